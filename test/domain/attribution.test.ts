import { describe, expect, it } from 'vitest';
import { attribute, normalizeEmail, type AttributionDirectory } from '../../src/domain/attribution.js';

function directory(over: Partial<AttributionDirectory> = {}) {
  const calls: string[] = [];
  const people = new Map([['alice@example.com', { id: 1, team_id: 10 }], ['nobody@example.com', { id: 2, team_id: null }]]);
  const dir: AttributionDirectory = {
    teamIdByName: (n) => (({ platform: 20, data: 30 }) as Record<string, number>)[n.toLowerCase()],
    personByEmail: (e) => {
      calls.push(`email:${e}`);
      return people.get(e) ?? { id: 99, team_id: null };
    },
    personByAccountUuid: (u) => (u === 'uuid-alice' ? { id: 1, team_id: 10 } : undefined),
    linkAccountUuid: (u, p) => void calls.push(`link:${u}:${p}`),
    mappedTeam: (kind, id) => (({ 'workspace:wrk_1': 40, 'key:key_1': 50, 'project:proj_1': 60 }) as Record<string, number>)[`${kind}:${id}`],
    ...over,
  };
  return { dir, calls };
}

describe('attribute', () => {
  it('by email: the person and their team; links the account uuid it came with', () => {
    const { dir, calls } = directory();
    expect(attribute({ email: ' Alice@Example.com ', accountUuid: 'uuid-x' }, dir)).toEqual({ personId: 1, teamId: 10, teamSource: 'person', plan: null });
    expect(calls).toEqual(['email:alice@example.com', 'link:uuid-x:1']);
  });

  it('by account uuid when there is no email', () => {
    const { dir } = directory();
    expect(attribute({ accountUuid: 'uuid-alice' }, dir)).toEqual({ personId: 1, teamId: 10, teamSource: 'person', plan: null });
  });

  it('team.id wins over the person’s team when it names a team', () => {
    const { dir } = directory();
    expect(attribute({ email: 'alice@example.com', team: 'PLATFORM' }, dir)).toEqual({ personId: 1, teamId: 20, teamSource: 'attribute', plan: null });
    // an unknown team name falls through to the person's team
    expect(attribute({ email: 'alice@example.com', team: 'nope' }, dir)).toEqual({ personId: 1, teamId: 10, teamSource: 'person', plan: null });
  });

  it('by key, workspace or project mapping when nobody says', () => {
    const { dir } = directory();
    expect(attribute({ workspaceId: 'wrk_1' }, dir)).toEqual({ personId: null, teamId: 40, teamSource: 'workspace', plan: null });
    expect(attribute({ workspaceId: 'wrk_1', apiKeyId: 'key_1' }, dir)).toEqual({ personId: null, teamId: 50, teamSource: 'key', plan: null });
    expect(attribute({ email: 'nobody@example.com', project: 'proj_1' }, dir)).toEqual({ personId: 2, teamId: 60, teamSource: 'project', plan: null });
  });

  it('unattributed, never dropped', () => {
    const { dir } = directory();
    expect(attribute({ accountUuid: 'uuid-unknown', workspaceId: 'wrk_unmapped' }, dir)).toEqual({ personId: null, teamId: null, teamSource: null, plan: null });
    expect(attribute({}, dir)).toEqual({ personId: null, teamId: null, teamSource: null, plan: null });
  });

  it('ignores something that is not an email', () => {
    expect(normalizeEmail('not an email')).toBeUndefined();
    expect(normalizeEmail('A@B.co')).toBe('a@b.co');
  });
});
