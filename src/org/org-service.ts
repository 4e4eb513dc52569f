// People and teams: what `/aispend admin team …` and `link` change. Every change is one transaction
// with its audit row; spend that was still unattributed follows a new membership (through the
// ingest feature's attribution after the fact), and the budget checks of the team are queued.
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { deliveryRepo } from '../db/repos/delivery-repo.js';
import { orgRepo, type IdentityKind, type Person, type Team } from '../db/repos/org-repo.js';
import { addMoved, attributeAfterTheFact, kickAfterIngest, noneMoved, recordAfterIngest, type MovedSpend } from '../ingest/index.js';

export const TEAM_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** Slack's view of a mentioned user, looked up before the transaction */
export interface SlackProfile {
  email?: string;
  name?: string;
}

export type PersonRef = { kind: 'email'; email: string } | { kind: 'slack'; id: string };
export type Member = { kind: 'email'; email: string } | { kind: 'slack'; id: string; profile: SlackProfile };

type OrgDeps = Deps;

/** after a membership or link moved spend to a team: its budget thresholds are checked in the background */
function spendMoved(deps: OrgDeps, teamId: number, moved: MovedSpend): void {
  if (moved.usageRows + moved.billLines > 0) recordAfterIngest(deps, { sessionIds: [], teamIds: [teamId] });
}

/** creates a team; returns the one that already has the name instead, changing nothing */
export function createTeam(deps: OrgDeps, actor: string, name: string, channel: string): { team: Team; created: boolean } {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  return deps.db.transaction(() => {
    const found = org.teamByName(name);
    if (found) return { team: found, created: false };
    const team = org.createTeam(name, channel, now);
    auditRepo(deps.db).record({ actor, action: 'team.create', teamId: team.id, subject: 'team', details: { name, channel }, at: now });
    return { team, created: true };
  })();
}

export interface AddOutcome {
  added: Person[];
  moved: Array<{ person: Person; from: string }>;
  already: Person[];
  /** people Slack shared no email for: usage reported by email cannot be theirs yet */
  noEmail: Person[];
  /** unattributed spend that followed them onto the team */
  spend: MovedSpend;
}

function personOf(deps: OrgDeps, m: Member, now: number): Person {
  const org = orgRepo(deps.db);
  if (m.kind === 'email') return org.ensurePersonByEmail(m.email, now);
  if (m.profile.email) {
    org.ensurePersonByEmail(m.profile.email, now, m.profile.name); // keeps the name Slack knows
    return org.linkSlackToEmail(m.id, m.profile.email, now);
  }
  return org.ensurePersonBySlack(m.id, now, undefined, m.profile.name);
}

/** Puts people on a team. Their spend that had no team moves with them; what counted elsewhere stays. */
export function addMembers(deps: OrgDeps, actor: string, team: Team, members: Member[]): AddOutcome {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const outcome = deps.db.transaction((): AddOutcome => {
    const out: AddOutcome = { added: [], moved: [], already: [], noEmail: [], spend: noneMoved() };
    const seen = new Set<number>();
    for (const m of members) {
      const person = personOf(deps, m, now);
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      if (person.team_id === team.id) {
        out.already.push(person);
        continue;
      }
      const from = person.team_id !== null ? org.teamById(person.team_id)?.name : undefined;
      org.setPersonTeam(person.id, team.id);
      out.spend = addMoved(out.spend, attributeAfterTheFact(deps, { kind: 'person', personId: person.id }, team.id));
      const updated = org.personById(person.id)!;
      if (from) out.moved.push({ person: updated, from });
      else out.added.push(updated);
      if (!updated.email) out.noEmail.push(updated);
    }
    spendMoved(deps, team.id, out.spend);
    auditRepo(deps.db).record({
      actor,
      action: 'team.add',
      teamId: team.id,
      subject: 'members',
      details: {
        added: out.added.map((p) => p.id),
        moved: out.moved.map((m) => ({ person: m.person.id, from: m.from })),
        already: out.already.map((p) => p.id),
        moved_usd: Math.round(out.spend.costUsd * 100) / 100,
        moved_since: out.spend.since,
      },
      at: now,
    });
    return out;
  })();
  kickAfterIngest(deps);
  return outcome;
}

/** Takes people off a team (their spend stays where it was counted). */
export function removeMembers(
  deps: OrgDeps,
  actor: string,
  team: Team,
  members: PersonRef[],
): { removed: Person[]; notOn: Array<{ ref: PersonRef; person?: Person }> } {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  return deps.db.transaction(() => {
    const removed: Person[] = [];
    const notOn: Array<{ ref: PersonRef; person?: Person }> = [];
    for (const ref of members) {
      const person = ref.kind === 'email' ? org.personByEmail(ref.email) : org.personBySlack(ref.id);
      if (!person || person.team_id !== team.id) {
        notOn.push({ ref, person });
        continue;
      }
      org.setPersonTeam(person.id, null);
      removed.push(person);
    }
    if (removed.length) {
      auditRepo(deps.db).record({ actor, action: 'team.remove', teamId: team.id, subject: 'members', details: { removed: removed.map((p) => p.id) }, at: now });
    }
    return { removed, notOn };
  })();
}

/** Replaces a team's approvers; returns who they were. */
export function setApprovers(deps: OrgDeps, actor: string, team: Team, slackIds: string[]): string[] {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  return deps.db.transaction(() => {
    const before = org.approvers(team.id);
    org.setApprovers(team.id, slackIds);
    auditRepo(deps.db).record({ actor, action: 'team.approvers', teamId: team.id, subject: 'approvers', details: { before, after: slackIds }, at: now });
    return before;
  })();
}

/** Moves a team's digests and alerts (`channel`) or its budget requests (`approvals`, null: back to the team channel). */
export function setTeamChannel(deps: OrgDeps, actor: string, team: Team, which: 'channel' | 'approvals', channel: string | null): string | null {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const before = which === 'channel' ? team.channel_id : team.approvals_channel_id;
  deps.db.transaction(() => {
    if (which === 'channel') org.setTeamChannel(team.id, channel!);
    else org.setApprovalsChannel(team.id, channel);
    auditRepo(deps.db).record({
      actor,
      action: which === 'channel' ? 'team.channel' : 'team.approvals_channel',
      teamId: team.id,
      subject: 'team',
      details: { before, after: channel },
      at: now,
    });
  })();
  return before;
}

export interface TeamListRow {
  team: Team;
  members: number;
  approvers: string[];
}

export function teamList(deps: Pick<Deps, 'db'>): TeamListRow[] {
  const org = orgRepo(deps.db);
  return org.teams().map((team) => ({ team, members: org.teamMembers(team.id).length, approvers: org.approvers(team.id) }));
}

export interface LinkOutcome {
  person: Person;
  /** a Slack-only record was folded into the one holding the email */
  merged: boolean;
  /** the email the Slack user had before, if another */
  previousEmail?: string;
  already: boolean;
  /** spend of the email that had no team and now follows the person's team */
  spend?: MovedSpend;
}

/** Joins a Slack user and the email their usage is reported under into one person. */
export function linkEmail(deps: OrgDeps, actor: string, slackUserId: string, email: string): LinkOutcome {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const outcome = deps.db.transaction((): LinkOutcome => {
    const byEmail = org.personByEmail(email);
    const bySlack = org.personBySlack(slackUserId);
    const person = org.linkSlackToEmail(slackUserId, email, now);
    const merged = byEmail !== undefined && bySlack !== undefined && byEmail.id !== bySlack.id;
    const previousEmail = bySlack?.email && bySlack.email !== email && !merged ? bySlack.email : undefined;
    // the email's usage may have waited without a team that the Slack user had
    const spend = person.team_id !== null ? attributeAfterTheFact(deps, { kind: 'person', personId: person.id }, person.team_id) : undefined;
    if (spend && person.team_id !== null) spendMoved(deps, person.team_id, spend);
    auditRepo(deps.db).record({
      actor,
      action: 'person.link',
      teamId: person.team_id,
      subject: `person:${person.id}`,
      details: { slack_user_id: slackUserId, email, merged, previous_email: previousEmail ?? null },
      at: now,
    });
    return { person, merged, previousEmail, spend, already: bySlack !== undefined && bySlack.id === byEmail?.id };
  })();
  kickAfterIngest(deps);
  return outcome;
}

/** Makes a tracker identity (and the work recorded under it) belong to the Slack user's person. */
export function linkIdentity(
  deps: OrgDeps,
  actor: string,
  slackUserId: string,
  identity: { kind: IdentityKind; id: string },
  email: string | undefined,
): { person: Person; moved: boolean; known: boolean } {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  return deps.db.transaction(() => {
    const target = org.ensurePersonBySlack(slackUserId, now, email);
    const placeholder = org.personByIdentity(identity.kind, identity.id);
    org.setIdentity(identity.kind, identity.id, target.id);
    const moved = placeholder !== undefined && placeholder.id !== target.id;
    if (moved) deliveryRepo(deps.db).movePersonWork(placeholder.id, target.id);
    auditRepo(deps.db).record({
      actor,
      action: 'person.link',
      teamId: target.team_id,
      subject: `person:${target.id}`,
      details: { slack_user_id: slackUserId, identity: `${identity.kind}:${identity.id}`, moved_from: moved ? placeholder.id : null },
      at: now,
    });
    return { person: target, moved, known: placeholder !== undefined };
  })();
}
