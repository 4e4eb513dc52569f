// The benchmark's HTTP client, in its own process (as a real exporter or Collector is), so that the
// server process's CPU time counts the server's work only. Plain JavaScript run by plain node.
// Reads the request bodies from a file written by the bench (u32 path length, path, u8 flags: 1 gzip, 2 protobuf,
// u32 body length, body, …), then sends the ranges it is asked for with `concurrency` keep-alive
// connections (a warm-up range first, then the measured one). With `latencies`, it also reports how
// long each request took, first byte sent to last byte of the answer received.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

function readRequests(file) {
  const buf = readFileSync(file);
  const out = [];
  let at = 0;
  while (at < buf.length) {
    const pathLen = buf.readUInt32LE(at);
    const path = buf.toString('utf8', at + 4, at + 4 + pathLen);
    at += 4 + pathLen;
    const gzip = (buf[at] & 1) === 1;
    const protobuf = (buf[at] & 2) === 2;
    const bodyLen = buf.readUInt32LE(at + 1);
    const body = buf.subarray(at + 5, at + 5 + bodyLen);
    at += 5 + bodyLen;
    out.push({ path, gzip, protobuf, body });
  }
  return out;
}

function send(agent, port, token, r) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': r.protobuf ? 'application/x-protobuf' : 'application/json', 'content-length': r.body.length, authorization: `Bearer ${token}` };
    if (r.gzip) headers['content-encoding'] = 'gzip';
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: r.path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(r.protobuf ? 'base64' : 'utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

// {file, token, concurrency} first; then any number of {port, from, to}: send requests [from, to)
process.once('message', ({ file, token, concurrency }) => {
  const requests = readRequests(file);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  process.send({ ready: true });
  process.on('message', async ({ port, from, to, latencies }) => {
    const started = performance.now();
    let next = from;
    const failures = [];
    const statuses = {};
    const took = [];
    async function lane() {
      while (next < to) {
        const t0 = performance.now();
        const res = await send(agent, port, token, requests[next++]);
        if (latencies) took.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200 && failures.length < 3) failures.push(`${res.status} ${res.body.slice(0, 300)}`);
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, to - from) }, lane));
      process.send({ ok: true, elapsedMs: performance.now() - started, statuses, failures, ...(latencies ? { latencies: took } : {}) });
    } catch (e) {
      process.send({ ok: false, error: String(e && e.message ? e.message : e) });
    }
  });
});
