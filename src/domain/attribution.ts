// Who and which team a unit of usage belongs to. Pure: the lookups come in through a directory
// (the ingest side backs it with the org repository and a per-batch cache).
//
// Person: by email (created when new), else by Claude account UUID (an identity linked earlier,
// when one record carried both).
// Team, first that answers: the team of a team-scoped ingest token (its holder may send usage of
// that team only, whoever's it is) → the record's own team attribute (`team.id` or `team`, matched
// to an existing team name, case-insensitive) → the person's team → a mapping of the API key, the
// workspace or the project → unattributed (null). Unattributed spend is kept, never dropped.
//
// Rows keep the team they had when they were ingested: when a person later changes team, past
// spend stays where it was, so last month's digest and budget figures do not change after the fact.
// Spend that had no team at all is the exception: when a mapping or a membership later names a team
// for it, it moves to that team (src/ingest/billing/late-attribution.ts).

export interface AttributionSignals {
  email?: string;
  accountUuid?: string;
  /** `team.id` / `team` attribute, generic `team` */
  team?: string;
  apiKeyId?: string;
  workspaceId?: string;
  project?: string;
  /** the team a team-scoped ingest token is limited to: it wins over every other signal */
  scopeTeamId?: number;
}

export interface DirectoryPerson {
  id: number;
  team_id: number | null;
  /** the person's Claude plan (subscription usage is not billed per token) */
  claude_plan?: 'subscription' | 'api' | null;
}

export interface AttributionDirectory {
  teamIdByName(name: string): number | undefined;
  /** the person with this email, created when new */
  personByEmail(email: string): DirectoryPerson;
  personByAccountUuid(uuid: string): DirectoryPerson | undefined;
  /** remember that this account UUID is this person (called when a record carries both) */
  linkAccountUuid(uuid: string, personId: number): void;
  mappedTeam(kind: 'key' | 'workspace' | 'project', externalId: string): number | undefined;
}

export type TeamSource = 'token' | 'attribute' | 'person' | 'key' | 'workspace' | 'project';

export interface Attribution {
  personId: number | null;
  teamId: number | null;
  /** why this team (null: unattributed) */
  teamSource: TeamSource | null;
  /** the person's Claude plan, when known */
  plan: 'subscription' | 'api' | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(email: string | undefined): string | undefined {
  const e = email?.trim().toLowerCase();
  return e && EMAIL.test(e) ? e : undefined;
}

export function attribute(s: AttributionSignals, dir: AttributionDirectory): Attribution {
  let person: DirectoryPerson | undefined;
  const email = normalizeEmail(s.email);
  const uuid = s.accountUuid?.trim() || undefined;
  if (email) {
    person = dir.personByEmail(email);
    if (uuid) dir.linkAccountUuid(uuid, person.id);
  } else if (uuid) {
    person = dir.personByAccountUuid(uuid);
  }
  const personId = person?.id ?? null;
  const plan = person?.claude_plan ?? null;

  if (s.scopeTeamId !== undefined) return { personId, teamId: s.scopeTeamId, teamSource: 'token', plan };
  const hint = s.team?.trim();
  const byName = hint ? dir.teamIdByName(hint) : undefined;
  if (byName !== undefined) return { personId, teamId: byName, teamSource: 'attribute', plan };
  if (person && person.team_id !== null) return { personId, teamId: person.team_id, teamSource: 'person', plan };
  const lookups: Array<[TeamSource & ('key' | 'workspace' | 'project'), string | undefined]> = [
    ['key', s.apiKeyId],
    ['workspace', s.workspaceId],
    ['project', s.project],
  ];
  for (const [kind, id] of lookups) {
    if (!id) continue;
    const t = dir.mappedTeam(kind, id);
    if (t !== undefined) return { personId, teamId: t, teamSource: kind, plan };
  }
  return { personId, teamId: null, teamSource: null, plan };
}
