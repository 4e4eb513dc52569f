// Wire payloads for a demo day, in the shapes the real sources send: Claude Code OTLP/HTTP JSON logs
// and metrics, and usage records (GitHub, Jira, Linear and generic delivery bodies: github-payloads.ts,
// tracker-payloads.ts). Prompts are never sent: user_prompt carries only its length, as Claude Code
// does by default.
import type { DemoDay, DemoSession } from './scenario.js';

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
type KeyValue = { key: string; value: AnyValue };

const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const i = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(Math.round(v)) } });
const nanos = (ms: number) => `${Math.round(ms)}000000`;

const RESOURCE = { attributes: [s('service.name', 'claude-code'), s('service.version', '2.0.14'), s('os.type', 'darwin')] };

function event(session: DemoSession, seq: number, name: string, at: number, attrs: KeyValue[]) {
  return {
    timeUnixNano: nanos(at),
    observedTimeUnixNano: nanos(at),
    body: { stringValue: `claude_code.${name}` },
    attributes: [
      s('event.name', name),
      s('event.timestamp', new Date(at).toISOString()),
      i('event.sequence', seq),
      s('session.id', session.id),
      s('user.email', session.person.email),
      s('terminal.type', 'vscode'),
      ...attrs,
    ],
  };
}

/** POST /v1/logs body: api_request, tool_result and user_prompt events of the day's sessions */
export function otlpLogs(sessions: readonly DemoSession[]): unknown {
  const records: unknown[] = [];
  for (const session of sessions) {
    let seq = 0;
    for (const at of session.prompts) records.push(event(session, seq++, 'user_prompt', at, [i('prompt_length', 120 + (seq * 37) % 400)]));
    for (const c of session.calls) {
      records.push(
        event(session, seq++, 'api_request', c.at, [
          s('model', c.model),
          i('input_tokens', c.input),
          i('output_tokens', c.output),
          i('cache_read_tokens', c.cacheRead),
          i('cache_creation_tokens', c.cacheWrite),
          i('duration_ms', 2_000 + (c.output % 7_000)),
        ]),
      );
    }
    for (const t of session.tools) {
      const attrs = [s('tool_name', t.tool), s('success', String(t.success)), i('duration_ms', 800)];
      if (!t.success && t.error) attrs.push(s('error', t.error));
      records.push(event(session, seq++, 'tool_result', t.at, attrs));
    }
  }
  return { resourceLogs: [{ resource: RESOURCE, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.0.14' }, logRecords: records }] }] };
}

/**
 * POST /v1/metrics body (delta temporality): lines of code per session, and Claude Code's own commit
 * counter for teams whose commits do not reach aispend from GitHub.
 */
export function otlpMetrics(sessions: readonly DemoSession[]): unknown {
  const lines: unknown[] = [];
  const commits: unknown[] = [];
  for (const session of sessions) {
    const base = [s('session.id', session.id), s('user.email', session.person.email)];
    const window = { startTimeUnixNano: nanos(session.start), timeUnixNano: nanos(session.end) };
    if (session.linesAdded > 0) lines.push({ ...window, asInt: String(session.linesAdded), attributes: [...base, s('type', 'added')] });
    if (session.linesRemoved > 0) lines.push({ ...window, asInt: String(session.linesRemoved), attributes: [...base, s('type', 'removed')] });
    if (!session.team.github) {
      for (const c of session.commits) {
        commits.push({ startTimeUnixNano: nanos(c.at - 1_000), timeUnixNano: nanos(c.at), asInt: '1', attributes: base });
      }
    }
  }
  const sum = (dataPoints: unknown[]) => ({ aggregationTemporality: 1, isMonotonic: true, dataPoints });
  const metrics = [];
  if (lines.length) metrics.push({ name: 'claude_code.lines_of_code.count', unit: 'count', sum: sum(lines) });
  if (commits.length) metrics.push({ name: 'claude_code.commit.count', unit: 'count', sum: sum(commits) });
  if (metrics.length === 0) return undefined;
  return { resourceMetrics: [{ resource: RESOURCE, scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code', version: '2.0.14' }, metrics }] }] };
}

/** POST /ingest/usage body: API calls made by services (no cost: priced from the price library) */
export function usageRecords(day: DemoDay): unknown {
  if (day.serviceCalls.length === 0) return undefined;
  return {
    records: day.serviceCalls.map((c) => ({
      id: c.id,
      provider: c.provider,
      model: c.model,
      timestamp: new Date(c.at).toISOString(),
      ...(c.team ? { team: c.team } : {}),
      project: c.project,
      input_tokens: c.input,
      output_tokens: c.output,
    })),
  };
}
