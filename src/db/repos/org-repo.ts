// Teams, people, their other identities, approvers and source mappings.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface Team {
  id: number;
  name: string;
  channel_id: string | null;
  approvals_channel_id: string | null;
  monthly_budget_usd: number | null;
  loop_min_cost_usd: number | null;
  loop_min_minutes: number | null;
  created_at: number;
}

export interface Person {
  id: number;
  email: string | null;
  slack_user_id: string | null;
  name: string | null;
  team_id: number | null;
  created_at: number;
  /** the person's Claude plan: subscription usage is not billed per token */
  claude_plan: 'subscription' | 'api' | null;
  claude_plan_source: 'admin' | 'analytics' | null;
  claude_plan_day: string | null;
}

export type IdentityKind = 'jira' | 'linear' | 'github' | 'account_uuid';
export type MappingKind = 'workspace' | 'project' | 'key';

export function orgRepo(db: Db) {
  return memoForDb(db, 'org', () => {
    const s = {
      teamInsert: db.prepare('INSERT INTO teams (name, channel_id, created_at) VALUES (?, ?, ?)'),
      teamByName: db.prepare('SELECT * FROM teams WHERE name = ?'),
      teamById: db.prepare('SELECT * FROM teams WHERE id = ?'),
      teams: db.prepare('SELECT * FROM teams ORDER BY name'),
      teamChannel: db.prepare('UPDATE teams SET channel_id = ? WHERE id = ?'),
      teamApprovalsChannel: db.prepare('UPDATE teams SET approvals_channel_id = ? WHERE id = ?'),
      teamBudget: db.prepare('UPDATE teams SET monthly_budget_usd = ? WHERE id = ?'),
      teamLoop: db.prepare('UPDATE teams SET loop_min_cost_usd = ?, loop_min_minutes = ? WHERE id = ?'),
      approvers: db.prepare('SELECT slack_user_id FROM team_approvers WHERE team_id = ? ORDER BY slack_user_id'),
      approverDel: db.prepare('DELETE FROM team_approvers WHERE team_id = ?'),
      approverAdd: db.prepare('INSERT OR IGNORE INTO team_approvers (team_id, slack_user_id) VALUES (?, ?)'),
      approverTeams: db.prepare(
        'SELECT t.* FROM teams t JOIN team_approvers a ON a.team_id = t.id WHERE a.slack_user_id = ? ORDER BY t.name',
      ),
      personByEmail: db.prepare('SELECT * FROM people WHERE email = ?'),
      personBySlack: db.prepare('SELECT * FROM people WHERE slack_user_id = ?'),
      personById: db.prepare('SELECT * FROM people WHERE id = ?'),
      personInsert: db.prepare('INSERT INTO people (email, slack_user_id, name, team_id, created_at) VALUES (?, ?, ?, ?, ?)'),
      personSetEmail: db.prepare('UPDATE people SET email = ? WHERE id = ?'),
      personSetSlack: db.prepare('UPDATE people SET slack_user_id = ? WHERE id = ?'),
      personClearSlack: db.prepare('UPDATE people SET slack_user_id = NULL WHERE slack_user_id = ? AND id <> ?'),
      personSetName: db.prepare('UPDATE people SET name = COALESCE(name, ?) WHERE id = ?'),
      personSetTeam: db.prepare('UPDATE people SET team_id = ? WHERE id = ?'),
      personSetPlan: db.prepare('UPDATE people SET claude_plan = ?, claude_plan_source = ?, claude_plan_day = ? WHERE id = ?'),
      teamMembers: db.prepare('SELECT * FROM people WHERE team_id = ? ORDER BY COALESCE(name, email)'),
      identity: db.prepare('SELECT person_id FROM person_identities WHERE kind = ? AND external_id = ?'),
      identityUpsert: db.prepare(
        `INSERT INTO person_identities (kind, external_id, person_id) VALUES (?, ?, ?)
         ON CONFLICT (kind, external_id) DO UPDATE SET person_id = excluded.person_id`,
      ),
      mapping: db.prepare('SELECT team_id FROM team_mappings WHERE kind = ? AND external_id = ?'),
      mappingUpsert: db.prepare(
        `INSERT INTO team_mappings (kind, external_id, team_id) VALUES (?, ?, ?)
         ON CONFLICT (kind, external_id) DO UPDATE SET team_id = excluded.team_id`,
      ),
      mappings: db.prepare(
        'SELECT m.kind, m.external_id, m.team_id, t.name AS team_name FROM team_mappings m JOIN teams t ON t.id = m.team_id ORDER BY m.kind, m.external_id',
      ),
      setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      settingSet: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };

    const repo = {
      createTeam(name: string, channelId: string | null, now: number): Team {
        s.teamInsert.run(name, channelId, now);
        return s.teamByName.get(name) as Team;
      },
      teamByName: (name: string) => s.teamByName.get(name) as Team | undefined,
      teamById: (id: number) => s.teamById.get(id) as Team | undefined,
      teams: () => s.teams.all() as Team[],
      setTeamChannel: (teamId: number, channelId: string | null) => void s.teamChannel.run(channelId, teamId),
      setApprovalsChannel: (teamId: number, channelId: string | null) => void s.teamApprovalsChannel.run(channelId, teamId),
      setBudget: (teamId: number, usd: number | null) => void s.teamBudget.run(usd, teamId),
      setLoopThresholds: (teamId: number, costUsd: number | null, minutes: number | null) =>
        void s.teamLoop.run(costUsd, minutes, teamId),
      approvers: (teamId: number) => (s.approvers.all(teamId) as Array<{ slack_user_id: string }>).map((r) => r.slack_user_id),
      setApprovers: db.transaction((teamId: number, slackIds: string[]) => {
        s.approverDel.run(teamId);
        for (const id of slackIds) s.approverAdd.run(teamId, id);
      }) as (teamId: number, slackIds: string[]) => void,
      teamsApprovedBy: (slackUserId: string) => s.approverTeams.all(slackUserId) as Team[],

      personByEmail: (email: string) => s.personByEmail.get(email.toLowerCase()) as Person | undefined,
      personBySlack: (slackUserId: string) => s.personBySlack.get(slackUserId) as Person | undefined,
      personById: (id: number) => s.personById.get(id) as Person | undefined,
      teamMembers: (teamId: number) => s.teamMembers.all(teamId) as Person[],

      /** the person with this email, created if new */
      ensurePersonByEmail(email: string, now: number, name?: string): Person {
        const e = email.trim().toLowerCase();
        let p = s.personByEmail.get(e) as Person | undefined;
        if (!p) {
          s.personInsert.run(e, null, name ?? null, null, now);
          p = s.personByEmail.get(e) as Person;
        } else if (name && !p.name) {
          s.personSetName.run(name, p.id);
        }
        return p;
      },
      /** the person with this Slack user, created if new */
      ensurePersonBySlack(slackUserId: string, now: number, email?: string, name?: string): Person {
        let p = s.personBySlack.get(slackUserId) as Person | undefined;
        if (p) return p;
        if (email) {
          p = repo.ensurePersonByEmail(email, now, name);
          s.personClearSlack.run(slackUserId, p.id);
          s.personSetSlack.run(slackUserId, p.id);
          return s.personById.get(p.id) as Person;
        }
        s.personInsert.run(null, slackUserId, name ?? null, null, now);
        return s.personBySlack.get(slackUserId) as Person;
      },
      /** joins a Slack user and an email into one person (merging nothing else: admins fix conflicts) */
      linkSlackToEmail: db.transaction((slackUserId: string, email: string, now: number): Person => {
        const e = email.trim().toLowerCase();
        const byEmail = s.personByEmail.get(e) as Person | undefined;
        const bySlack = s.personBySlack.get(slackUserId) as Person | undefined;
        if (byEmail && bySlack && byEmail.id !== bySlack.id) {
          // keep the email person (it owns the usage history); carry the team over if it had none
          s.personSetSlack.run(null, bySlack.id);
          s.personSetSlack.run(slackUserId, byEmail.id);
          if (byEmail.team_id === null && bySlack.team_id !== null) s.personSetTeam.run(bySlack.team_id, byEmail.id);
          return s.personById.get(byEmail.id) as Person;
        }
        if (byEmail) {
          s.personSetSlack.run(slackUserId, byEmail.id);
          return s.personById.get(byEmail.id) as Person;
        }
        if (bySlack) {
          s.personSetEmail.run(e, bySlack.id);
          return s.personById.get(bySlack.id) as Person;
        }
        s.personInsert.run(e, slackUserId, null, null, now);
        return s.personByEmail.get(e) as Person;
      }) as (slackUserId: string, email: string, now: number) => Person,
      setPersonTeam: (personId: number, teamId: number | null) => void s.personSetTeam.run(teamId, personId),
      setClaudePlan: (personId: number, plan: 'subscription' | 'api' | null, source: 'admin' | 'analytics' | null, day: string | null = null) =>
        void s.personSetPlan.run(plan, plan === null ? null : source, day, personId),

      personByIdentity(kind: IdentityKind, externalId: string): Person | undefined {
        const r = s.identity.get(kind, externalId) as { person_id: number } | undefined;
        return r ? (s.personById.get(r.person_id) as Person) : undefined;
      },
      setIdentity: (kind: IdentityKind, externalId: string, personId: number) =>
        void s.identityUpsert.run(kind, externalId, personId),
      /**
       * The person behind another identity (Jira accountId, Linear user, GitHub login), created if new:
       * by the email when one is given, else as a person with no email that admins link later.
       */
      ensurePersonByIdentity(
        kind: IdentityKind,
        externalId: string,
        now: number,
        opts: { email?: string | null; name?: string | null } = {},
      ): Person {
        const known = repo.personByIdentity(kind, externalId);
        if (known) return known;
        let p: Person;
        if (opts.email) {
          p = repo.ensurePersonByEmail(opts.email, now, opts.name ?? undefined);
        } else {
          const id = Number(s.personInsert.run(null, null, opts.name ?? null, null, now).lastInsertRowid);
          p = s.personById.get(id) as Person;
        }
        s.identityUpsert.run(kind, externalId, p.id);
        return p;
      },

      mappedTeam(kind: MappingKind, externalId: string): number | undefined {
        return (s.mapping.get(kind, externalId) as { team_id: number } | undefined)?.team_id;
      },
      setMapping: (kind: MappingKind, externalId: string, teamId: number) => void s.mappingUpsert.run(kind, externalId, teamId),
      mappings: () =>
        s.mappings.all() as Array<{ kind: MappingKind; external_id: string; team_id: number; team_name: string }>,

      setting: (key: string) => (s.setting.get(key) as { value: string } | undefined)?.value,
      setSetting: (key: string, value: string) => void s.settingSet.run(key, value),
    };
    return repo;
  });
}

export type OrgRepo = ReturnType<typeof orgRepo>;
