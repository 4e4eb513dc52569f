import { rmSync } from 'node:fs';
import { openDatabase } from './src/db/open.js';
import { seedOrg, benchNow, DEFAULT_END_DAY } from './bench/generate.js';
import { buildOrg } from './bench/lib/org.js';
import { eventsWorkload } from './bench/lib/workloads.js';
import { ingestDeps, ingestRoutes } from './bench/lib/ingest-deps.js';
import { exportLogs } from './src/ingest/otlp/otlp-export.js';
import { decodeLogsRequest, encodeLogsRequest } from './src/ingest/otlp/otlp-protobuf.js';
const mode = process.argv[2] ?? 'json';
const path = '/tmp/prof/ev.db';
for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
const db = openDatabase(path);
const tz = 'UTC';
seedOrg(db, buildOrg(42, 0.1), tz, benchNow(DEFAULT_END_DAY, tz) - 400 * 86_400_000);
const deps = ingestDeps(db, { tz, endDay: DEFAULT_END_DAY });
ingestRoutes(deps);
const w = eventsWorkload(buildOrg(42, 0.1), 42, benchNow(DEFAULT_END_DAY, tz), 160, 500);
const bodies = w.exports.map((e) => mode === 'json' ? Buffer.from(JSON.stringify({ resourceLogs: [e.resource] })) : Buffer.from(encodeLogsRequest({ resourceLogs: [e.resource] })));
const t0 = performance.now();
let parseMs = 0;
for (let i = 0; i < bodies.length; i += 4) {
  await Promise.all(bodies.slice(i, i + 4).map(async (b) => {
    const p0 = performance.now();
    const body = mode === 'json' ? JSON.parse(b.toString('utf8')) : decodeLogsRequest(b);
    parseMs += performance.now() - p0;
    await exportLogs(deps, body, {});
  }));
}
const ms = performance.now() - t0;
console.log(mode, 'records/s', Math.round(w.records / (ms / 1000)), 'parse ms', Math.round(parseMs), 'total ms', Math.round(ms));
db.close();
