// Signs and posts webhook deliveries exactly as GitHub, Jira and Linear do, for the delivery tests.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const GITHUB_SECRET = 'gh-test-secret-0123456789';
export const JIRA_SECRET = 'jira-test-secret-0123456789';
export const LINEAR_SECRET = 'lin_wh_test-secret-0123456789';

export const WEBHOOK_ENV = {
  GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
  JIRA_WEBHOOK_SECRET: JIRA_SECRET,
  LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
};

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

/** a fixture file from test/fixtures/<dir>/<name>, parsed */
export function fixture<T = Record<string, unknown>>(path: string): T {
  const url = new URL(`../../fixtures/${path}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as T;
}

export interface SendOptions {
  /** replace the signature header value */
  signature?: string;
  /** leave the signature header out */
  noSignature?: boolean;
  headers?: Record<string, string>;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

export function sendGithub(
  base: string,
  event: string,
  payload: unknown,
  opts: SendOptions & { delivery?: string } = {},
): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    'x-github-event': event,
    'x-github-delivery': opts.delivery ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/044aadd',
    ...opts.headers,
  };
  if (!opts.noSignature) headers['x-hub-signature-256'] = opts.signature ?? `sha256=${hmac(GITHUB_SECRET, body)}`;
  return post(`${base}/webhooks/github`, body, headers);
}

export function sendJira(base: string, payload: unknown, opts: SendOptions & { delivery?: string } = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    'x-atlassian-webhook-identifier': opts.delivery ?? randomUUID(),
    'x-atlassian-webhook-flow': 'Primary',
    ...opts.headers,
  };
  if (!opts.noSignature) headers['x-hub-signature'] = opts.signature ?? `sha256=${hmac(JIRA_SECRET, body)}`;
  return post(`${base}/webhooks/jira`, body, headers);
}

export function sendLinear(base: string, payload: unknown, opts: SendOptions = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { 'linear-event': 'Issue', ...opts.headers };
  if (!opts.noSignature) headers['linear-signature'] = opts.signature ?? hmac(LINEAR_SECRET, body);
  return post(`${base}/webhooks/linear`, body, headers);
}

/** counts of every delivery table, to assert that nothing was stored */
export function deliveryCounts(db: { prepare(sql: string): { get(): unknown } }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of ['processed_deliveries', 'commits', 'pull_requests', 'stories', 'sprints', 'work_links']) {
    out[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  }
  return out;
}

export const NOTHING_STORED = {
  processed_deliveries: 0,
  commits: 0,
  pull_requests: 0,
  stories: 0,
  sprints: 0,
  work_links: 0,
};
