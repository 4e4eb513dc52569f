// Large OTLP logs exports are decoded on a thread of their own (src/ingest/otlp/log-decoder.ts). The
// thread must change nothing but where the work happens: the same events, the same refusals, the
// same figures, and nothing lost when it crashes.
//
// The export below (`largeEventsExport` in otlp-builders.ts), by hand:
// - alice (Platform), session T-A: 300 api_request events, cost_usd 0.01 each → $3.00 for Platform;
// - bob (no team), session T-B: 200 api_request events, cost_usd_micros 5000 each → $1.00 unattributed;
// - on T-A: 5 failed tool results (Bash), 3 user prompts;
// - skipped (partial success): 2 api_request events without any timestamp, 1 with input_tokens
//   "lots", 1 with cost_usd -1 → 4 rejected;
// - 10 records that are no Claude Code event (ignored, not counted as seen).
// About 300 KB of JSON: over THREAD_MIN_BYTES, so it goes to the thread. The last tests send it
// across local midnight in Los Angeles and Kolkata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import type { Deps } from '../../../src/deps.js';
import { AppError, ForbiddenError, ValidationError } from '../../../src/errors.js';
import { afterIngestIdle } from '../../../src/ingest/after-ingest.js';
import { crashDecodeThreadForTest, decodeLogs, decodeThreadState, readLogsExport, stopDecodeThread, THREAD_MIN_BYTES } from '../../../src/ingest/otlp/log-decoder.js';
import type { LogEvents } from '../../../src/ingest/otlp/log-events.js';
import { decodeResponse, encodeLogsRequest } from '../../../src/ingest/otlp/otlp-protobuf.js';
import { createLogger } from '../../../src/logger.js';
import { startTestApp, TEST_INGEST_TOKEN, type TestApp } from '../../helpers/test-app.js';
import { LARGE_EXPORT_DAY, largeEventsExport, sAttr } from './otlp-builders.js';

const DAY = LARGE_EXPORT_DAY;

const deps = { logger: createLogger({ level: 'silent' }) } as unknown as Deps;
/** deps whose logger keeps its warnings */
function watchedDeps() {
  const warnings: string[] = [];
  return { warnings, watched: { logger: createLogger({ level: 'warn', write: (l) => warnings.push(l) }) } as unknown as Deps };
}
const plain = (e: LogEvents) => ({ ...e, ints: Array.from(e.ints), nums: Array.from(e.nums) });
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

afterAll(async () => {
  await stopDecodeThread();
});

describe('the decode thread', () => {
  it('reads a large export exactly as the main thread does, JSON and protobuf', async () => {
    const body = largeEventsExport();
    const raw = json(body);
    expect(raw.byteLength).toBeGreaterThan(THREAD_MIN_BYTES);
    const here = readLogsExport(raw, 'json');
    expect(here.count).toBe(300 + 5 + 3 + 4 + 200);
    expect(plain(await decodeLogs(deps, raw, 'json'))).toEqual(plain(here));
    const pb = encodeLogsRequest(body);
    expect(pb.byteLength).toBeGreaterThan(THREAD_MIN_BYTES);
    // the same events, whichever encoding carried them: the idempotency keys included
    expect(plain(await decodeLogs(deps, pb, 'protobuf'))).toEqual(plain(here));
  });

  it('refuses what the main thread refuses, with the same error and field', async () => {
    const body = largeEventsExport();
    const bad = structuredClone(body);
    (bad.resourceLogs[0]!.scopeLogs[0]!.logRecords[250]!.attributes[3]! as { value: unknown }).value = { intValue: 'twelve' };
    const cases: Array<{ raw: Uint8Array; format: 'json' | 'protobuf'; scope?: { id: number; name: string } }> = [
      { raw: json(bad), format: 'json' },
      { raw: Buffer.concat([json(body), Buffer.from('}')]), format: 'json' },
      { raw: Buffer.alloc(THREAD_MIN_BYTES + 10, 0xff), format: 'protobuf' },
      { raw: json({ resourceLogs: [{ ...body.resourceLogs[0], resource: { attributes: [sAttr('team.id', 'Platform')] } }] }), format: 'json', scope: { id: 7, name: 'Data' } },
      // a hundred thousand and one empty records: over MAX_ITEMS_PER_REQUEST
      { raw: json({ resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: 100_001 }, () => ({})) }] }] }), format: 'json' },
    ];
    for (const c of cases) {
      expect(c.raw.byteLength).toBeGreaterThan(THREAD_MIN_BYTES);
      const there = await refusal(decodeLogs(deps, c.raw, c.format, c.scope));
      const here = await refusal(() => readLogsExport(c.raw, c.format, c.scope));
      expect(there).toBeInstanceOf(here.constructor);
      expect({ code: there.code, status: there.status, message: there.message, details: there.details }).toEqual({
        code: here.code,
        status: here.status,
        message: here.message,
        details: here.details,
      });
    }
    const zod = await refusal(decodeLogs(deps, json(bad), 'json'));
    expect(zod).toBeInstanceOf(ValidationError);
    expect((zod as ValidationError).issues[0]!.path).toBe('resourceLogs.0.scopeLogs.0.logRecords.250.attributes.3.value.intValue');
    const scoped = await refusal(decodeLogs(deps, cases[3]!.raw, 'json', cases[3]!.scope));
    expect(scoped).toBeInstanceOf(ForbiddenError);
    expect(scoped.details).toEqual({
      issues: [{ path: 'resourceLogs.0.resource.attributes.team.id', message: 'names team "Platform"; this token may only send usage of team "Data"' }],
    });
  });

  it('loses nothing when the thread crashes with an export in hand: the main thread reads it', async () => {
    await stopDecodeThread();
    const { warnings, watched } = watchedDeps();
    const raw = json(largeEventsExport());
    const failedBefore = decodeThreadState().failures;
    // a fresh thread takes a while to start: the crash comes while the export waits for it
    const reading = decodeLogs(watched, raw, 'json');
    await crashDecodeThreadForTest();
    expect(plain(await reading)).toEqual(plain(readLogsExport(raw, 'json')));
    expect(warnings.join('\n')).toContain('OTLP decode thread failed');
    expect(decodeThreadState()).toEqual({ up: true, failures: failedBefore + 1 });
    // the next large export starts a new thread
    expect((await decodeLogs(watched, raw, 'json')).count).toBe(512);
  });

  it('after three failures in a row, reads exports on the main thread until restart, and says so', async () => {
    await stopDecodeThread();
    const { warnings, watched } = watchedDeps();
    const raw = json(largeEventsExport());
    const expected = plain(readLogsExport(raw, 'json'));
    for (let k = 0; k < 3; k++) {
      const reading = decodeLogs(watched, raw, 'json');
      await crashDecodeThreadForTest();
      expect(plain(await reading)).toEqual(expected);
    }
    expect(decodeThreadState().up).toBe(false);
    expect(warnings.at(-1)).toContain('"gaveUp":true');
    expect(plain(await decodeLogs(watched, raw, 'json'))).toEqual(expected);
    await stopDecodeThread();
    expect(decodeThreadState().up).toBe(true);
  });
});

describe('POST /v1/logs with exports read on the decode thread', () => {
  let t: TestApp;
  let platform: number;
  beforeAll(async () => {
    t = await startTestApp();
    const org = orgRepo(t.db);
    platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
    org.setPersonTeam(org.ensurePersonByEmail('alice@example.com', 0).id, platform);
  });
  afterAll(async () => {
    await t.close();
  });

  const totals = () =>
    t.db.prepare('SELECT team_id, ROUND(SUM(cost_usd), 9) AS cost, SUM(requests) AS requests FROM usage_daily_team WHERE day = ? GROUP BY team_id ORDER BY team_id').all(DAY);

  it('counts every dollar once, whichever encoding brought it and however often it came', async () => {
    const body = largeEventsExport();
    const first = await t.ingest('/v1/logs', JSON.stringify(body));
    expect(first.status).toBe(200);
    const skipped =
      '4 skipped: claude_code.api_request has no timestamp (2); claude_code.api_request has a token count that is not a number (1); claude_code.api_request has a cost_usd that is not a number (1)';
    expect(await first.json()).toEqual({ partialSuccess: { rejectedLogRecords: 4, errorMessage: skipped } });
    // Platform: 300 × $0.01 = $3.00; unattributed (team 0 in the rollup): 200 × $0.005 = $1.00
    const expected = [
      { team_id: 0, cost: 1, requests: 200 },
      { team_id: platform, cost: 3, requests: 300 },
    ];
    expect(totals()).toEqual(expected);
    // the same export again, as JSON and as protobuf: nothing more
    expect((await t.ingest('/v1/logs', JSON.stringify(body))).status).toBe(200);
    const pb = await fetch(`${t.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
      body: encodeLogsRequest(body),
    });
    expect(pb.status).toBe(200);
    expect(decodeResponse('logs', new Uint8Array(await pb.arrayBuffer()))).toEqual({ partialSuccess: { rejectedLogRecords: 4, errorMessage: skipped } });
    expect(totals()).toEqual(expected);
    await afterIngestIdle(t.app.deps);
    const a = sessionRepo(t.db).bySession('T-A')!;
    expect(a).toMatchObject({ api_requests: 300, tool_failures: 5, prompts: 3, team_id: platform });
    expect(a.cost_usd).toBeCloseTo(3, 9);
  });
});

describe('exports read on the decode thread, across local midnight east and west of UTC', () => {
  // alice's run starts 2 minutes before local midnight: her events 0–119 fall on the first local day
  // (120 × $0.01 = $1.20), 120–299 on the next (180 × $0.01 = $1.80); bob's 0–119 on the first
  // (120 × $0.005 = $0.60), 120–199 on the next (80 × $0.005 = $0.40)
  const cases = [
    // Los Angeles, PST (UTC−8) in late November: 07:58Z is 23:58 on the 21st
    { zone: 'America/Los_Angeles', start: '2026-11-22T07:58:00Z', first: '2026-11-21', next: '2026-11-22' },
    // Kolkata, IST (UTC+5:30): 18:28Z is 23:58 on the 22nd
    { zone: 'Asia/Kolkata', start: '2026-11-22T18:28:00Z', first: '2026-11-22', next: '2026-11-23' },
  ];
  for (const c of cases) {
    it(`splits the spend at midnight in ${c.zone}, once however often the export comes`, async () => {
      const t = await startTestApp({ env: { AISPEND_TIMEZONE: c.zone } });
      try {
        const org = orgRepo(t.db);
        const platform = org.createTeam('Platform', null, 0).id;
        org.setPersonTeam(org.ensurePersonByEmail('alice@example.com', 0).id, platform);
        const body = largeEventsExport('-tz', c.start);
        const pb = () =>
          fetch(`${t.url}/v1/logs`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
            body: encodeLogsRequest(body),
          });
        // protobuf first, then the same export as JSON: counted once
        expect((await pb()).status).toBe(200);
        expect((await t.ingest('/v1/logs', JSON.stringify(body))).status).toBe(200);
        const rows = t.db
          .prepare('SELECT day, team_id, ROUND(SUM(cost_usd), 9) AS cost, SUM(requests) AS requests FROM usage_daily_team GROUP BY day, team_id ORDER BY day, team_id')
          .all();
        expect(rows).toEqual([
          { day: c.first, team_id: 0, cost: 0.6, requests: 120 },
          { day: c.first, team_id: platform, cost: 1.2, requests: 120 },
          { day: c.next, team_id: 0, cost: 0.4, requests: 80 },
          { day: c.next, team_id: platform, cost: 1.8, requests: 180 },
        ]);
      } finally {
        await t.close();
      }
    });
  }
});
