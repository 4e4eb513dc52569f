// The team of a billed line: API key mapping, else workspace, else project (`/aispend admin map …`),
// by the same precedence as all other attribution (src/domain/attribution.ts).
import type { Db } from '../../db/open.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { attribute } from '../../domain/attribution.js';

export function mappedTeam(db: Db, ids: { apiKeyId?: string | null; workspaceId?: string | null; project?: string | null }): number | null {
  const org = orgRepo(db);
  return attribute(
    { apiKeyId: ids.apiKeyId ?? undefined, workspaceId: ids.workspaceId ?? undefined, project: ids.project ?? undefined },
    {
      teamIdByName: () => undefined,
      personByEmail: () => {
        throw new Error('no person lookups for billed lines');
      },
      personByAccountUuid: () => undefined,
      linkAccountUuid: () => undefined,
      mappedTeam: (kind, id) => org.mappedTeam(kind, id),
    },
  ).teamId;
}
