// What the source admin words change: a mapping of a workspace, project or key to a team (with the
// spend that was waiting unattributed), and people's Claude plans (with the telemetry relabelled).
// Each is one transaction with its audit row; budget checks of a team that gained spend are queued.
import type { Deps } from '../../deps.js';
import { auditRepo } from '../../db/repos/audit-repo.js';
import { orgRepo, type MappingKind, type Person, type Team } from '../../db/repos/org-repo.js';
import { kickAfterIngest, recordAfterIngest } from '../after-ingest.js';
import { setClaudePlan, type PlanChoice } from '../billing/claude-plan.js';
import { attributeAfterTheFact, type MovedSpend } from '../billing/late-attribution.js';

/** Maps a source id to a team; what was still unattributed under it moves there at once. */
export function mapSource(deps: Deps, actor: string, kind: MappingKind, id: string, team: Team): { before?: Team; moved: MovedSpend } {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const out = deps.db.transaction(() => {
    const prevId = org.mappedTeam(kind, id);
    org.setMapping(kind, id, team.id);
    const moved = attributeAfterTheFact(deps, { kind, id }, team.id);
    if (moved.usageRows + moved.billLines > 0) recordAfterIngest(deps, { sessionIds: [], teamIds: [team.id] });
    auditRepo(deps.db).record({
      actor,
      action: 'mapping.set',
      teamId: team.id,
      subject: `${kind}:${id}`,
      details: { kind, external_id: id, before_team_id: prevId ?? null, moved_usd: Math.round(moved.costUsd * 100) / 100, moved_since: moved.since },
      at: now,
    });
    return { before: prevId !== undefined ? org.teamById(prevId) : undefined, moved };
  })();
  kickAfterIngest(deps);
  return out;
}

export type PlanTarget = { kind: 'email'; email: string } | { kind: 'slack'; id: string };

/** Sets people's Claude plan; a Slack user aispend does not know yet is reported, not created. */
export function setPlans(
  deps: Deps,
  actor: string,
  targets: PlanTarget[],
  choice: PlanChoice,
): { changed: Array<{ person: Person; relabelledUsd: number }>; unknown: PlanTarget[] } {
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const out = deps.db.transaction(() => {
    const changed: Array<{ person: Person; relabelledUsd: number }> = [];
    const unknown: PlanTarget[] = [];
    const teams = new Set<number | null>();
    for (const t of targets) {
      const person = t.kind === 'email' ? org.ensurePersonByEmail(t.email, now) : org.personBySlack(t.id);
      if (!person) {
        unknown.push(t);
        continue;
      }
      const r = setClaudePlan(deps, person.id, choice);
      if (r.rows > 0) teams.add(person.team_id);
      changed.push({ person, relabelledUsd: r.relabelledUsd });
    }
    // relabelling changes which bill a team's spend is compared with, so its total may change
    if (teams.size > 0) recordAfterIngest(deps, { sessionIds: [], teamIds: [...teams] });
    auditRepo(deps.db).record({
      actor,
      action: 'person.plan',
      teamId: null,
      subject: 'people',
      details: { plan: choice, people: changed.map((c) => c.person.id), relabelled_usd: changed.reduce((s, c) => s + c.relabelledUsd, 0) },
      at: now,
    });
    return { changed, unknown };
  })();
  kickAfterIngest(deps);
  return out;
}
