import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterIngestIdle } from '../../../src/ingest/after-ingest.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import { usageRepo } from '../../../src/db/repos/usage-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/otlp/${name}`, import.meta.url), 'utf8');
const S3 = '7a1b2c3d-0000-4e5f-8a9b-00000000c003';

let t: TestApp;
let platform: number;
const hooks: Array<{ sessionIds: string[]; teamIds: Array<number | null> }> = [];

beforeAll(async () => {
  t = await startTestApp();
  t.app.deps.afterIngest.push((e) => void hooks.push(e));
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
  const alice = org.ensurePersonByEmail('alice@example.com', 0);
  org.setPersonTeam(alice.id, platform);
});
afterAll(async () => {
  await t.close();
});

const rows = () =>
  t.db
    .prepare('SELECT model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, cost_usd, cost_source, fit_alt_cost_usd, counted FROM usage_records ORDER BY ts')
    .all() as Array<Record<string, unknown>>;

describe('POST /v1/logs with Claude Code events', () => {
  it('answers {} and stores api requests (reported, computed and unpriced costs)', async () => {
    const res = await t.ingest('/v1/logs', fixture('logs-export.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const r = rows();
    expect(r).toHaveLength(3);
    expect(r[0]).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      input_tokens: 1523,
      output_tokens: 412,
      cache_read_tokens: 20480,
      cache_write_tokens: 3072,
      requests: 1,
      cost_usd: 0.0312,
      cost_source: 'reported',
      fit_alt_cost_usd: null,
      counted: 1,
    });
    // Opus 4.1 at $15/$75 per Mtok, priced by the library; model fit: Sonnet 4 at $3/$15
    expect(r[1]).toMatchObject({ model: 'claude-opus-4-1-20250805', input_tokens: 2000, output_tokens: 300, cost_source: 'computed' });
    expect(r[1]!.cost_usd).toBeCloseTo(0.0525, 12);
    expect(r[1]!.fit_alt_cost_usd).toBeCloseTo(0.0105, 12);
    expect(r[2]).toMatchObject({ model: 'claude-experimental-9', cost_usd: 0, cost_source: 'unpriced', input_tokens: 100 });
  });

  it('keeps the session: requests, cost, tool failures, prompts, owner and team', () => {
    const s = sessionRepo(t.db).bySession(S3)!;
    expect(s).toMatchObject({
      api_requests: 3,
      has_events: 1,
      tool_failures: 1,
      prompts: 1,
      team_id: platform,
      email: 'alice@example.com',
      started_at: Date.parse('2026-11-20T09:00:01Z'),
      last_activity_at: Date.parse('2026-11-20T09:02:00Z'),
    });
    expect(s.cost_usd).toBeCloseTo(0.0312 + 0.0525, 12);
    const tools = sessionRepo(t.db).recentToolResults(S3, 10);
    expect(tools.map((x) => [x.tool_name, x.success])).toEqual([
      ['Read', 1],
      ['Bash', 0],
    ]);
    expect(tools[1]!.error_sig).toMatch(/^[0-9a-f]{12}$/);
    expect(tools[0]!.error_sig).toBeNull();
  });

  it('lists the unknown model as unpriced, with its tokens', () => {
    expect(usageRepo(t.db).unpricedModels()).toEqual([
      {
        provider: 'anthropic',
        model: 'claude-experimental-9',
        rows: 1,
        tokens: 150,
        first_seen: Date.parse('2026-11-20T09:02:00Z'),
        last_seen: Date.parse('2026-11-20T09:02:00Z'),
      },
    ]);
  });

  it('runs the after-ingest hooks with the session and team, in the background', async () => {
    await afterIngestIdle(t.app.deps);
    expect(hooks.at(-1)).toEqual({ sessionIds: [S3], teamIds: [platform] });
  });

  it('counts a replayed export once', async () => {
    const before = { rows: rows(), s: sessionRepo(t.db).bySession(S3), tools: sessionRepo(t.db).recentToolResults(S3, 10) };
    const res = await t.ingest('/v1/logs', fixture('logs-export.json'));
    expect(res.status).toBe(200);
    expect(rows()).toEqual(before.rows);
    expect(sessionRepo(t.db).bySession(S3)).toEqual(before.s);
    expect(sessionRepo(t.db).recentToolResults(S3, 10)).toEqual(before.tools);
  });

  it('never stores the prompt text, tool parameters or the raw tool error', () => {
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = Buffer.concat([readFileSync(t.dbPath), existsSync(`${t.dbPath}-wal`) ? readFileSync(`${t.dbPath}-wal`) : Buffer.alloc(0)]);
    // the check can see what the events did store
    expect(file.includes(Buffer.from(S3))).toBe(true);
    expect(file.includes(Buffer.from('claude-opus-4-1-20250805'))).toBe(true);
    for (const secret of ['SECRET-PROMPT-TEXT', 'SECRET-PARAMS', 'SECRET-PATH', 'please refactor']) {
      expect(file.includes(Buffer.from(secret))).toBe(false);
    }
    expect(t.logs.join('\n')).not.toContain('SECRET');
  });

  it('answers partial success for a record whose tokens are not numbers, and keeps the others', async () => {
    const payload = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1795165380000000000',
                  body: { stringValue: 'claude_code.api_request' },
                  attributes: [
                    { key: 'session.id', value: { stringValue: 'sess-bad' } },
                    { key: 'model', value: { stringValue: 'claude-haiku-4-5' } },
                    { key: 'input_tokens', value: { stringValue: 'many' } },
                  ],
                },
                {
                  timeUnixNano: 1795165381000000000,
                  attributes: [
                    { key: 'event.name', value: { stringValue: 'api_request' } },
                    { key: 'session.id', value: { stringValue: 'sess-ok' } },
                    { key: 'model', value: { stringValue: 'claude-haiku-4-5' } },
                    { key: 'input_tokens', value: { doubleValue: 1000 } },
                    { key: 'output_tokens', value: { intValue: '100' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await t.ingest('/v1/logs', payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: { rejectedLogRecords: 1, errorMessage: '1 skipped: claude_code.api_request has a token count that is not a number (1)' },
    });
    const ok = sessionRepo(t.db).bySession('sess-ok')!;
    // Haiku 4.5: $1 in, $5 out per Mtok, computed by the library
    expect(ok.cost_usd).toBeCloseTo(0.0015, 12);
    expect(ok.team_id).toBeNull();
    expect(sessionRepo(t.db).bySession('sess-bad')).toBeUndefined();
  });
});
