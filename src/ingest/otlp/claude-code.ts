// What aispend reads from Claude Code's OpenTelemetry output (code.claude.com/docs/en/monitoring-usage).
// Other metric and event names are ignored, as OTLP receivers must.
import { createHash } from 'node:crypto';
import type { Attrs } from './any-value.js';
import { str } from './any-value.js';
import { normalizeEmail } from '../../domain/attribution.js';

export const CLAUDE_CODE_PROVIDER = 'anthropic';
export const DEFAULT_SERVICE = 'claude-code';

export type MetricKind = 'cost' | 'tokens' | 'session' | 'commits' | 'pull_requests' | 'lines' | 'active_time' | 'unused';

export const METRICS: Record<string, MetricKind> = {
  'claude_code.cost.usage': 'cost',
  'claude_code.token.usage': 'tokens',
  'claude_code.session.count': 'session',
  'claude_code.commit.count': 'commits',
  'claude_code.pull_request.count': 'pull_requests',
  'claude_code.lines_of_code.count': 'lines',
  'claude_code.active_time.total': 'active_time',
  // known, not needed: accepted and ignored
  'claude_code.code_edit_tool.decision': 'unused',
};

/** token.usage `type` → usage column */
export const TOKEN_TYPES: Record<string, 'input' | 'output' | 'cacheRead' | 'cacheWrite'> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cacheRead',
  cacheCreation: 'cacheWrite',
  // seen in the wild in snake case
  cache_read: 'cacheRead',
  cache_creation: 'cacheWrite',
};

export type EventKind = 'api_request' | 'tool_result' | 'user_prompt' | 'activity';

export const EVENTS: Record<string, EventKind> = {
  'claude_code.api_request': 'api_request',
  'claude_code.tool_result': 'tool_result',
  'claude_code.user_prompt': 'user_prompt',
  // activity only: they show the session is alive
  'claude_code.api_error': 'activity',
  'claude_code.tool_decision': 'activity',
};

/** Who and where, from the merged resource and record attributes. */
export interface TelemetryIdentity {
  sessionId?: string;
  email?: string;
  accountUuid?: string;
  team?: string;
  service: string;
}

export function identity(a: Attrs): TelemetryIdentity {
  return {
    sessionId: str(a['session.id']),
    email: normalizeEmail(str(a['user.email'])),
    accountUuid: str(a['user.account_uuid']),
    team: str(a['team.id']) ?? str(a['team']),
    service: str(a['service.name']) ?? DEFAULT_SERVICE,
  };
}

/**
 * A short signature of a tool error, so that "the same failure again" can be recognised without
 * keeping the text (which may quote prompt or file content): numbers, ids and whitespace are
 * normalized, only the first 200 characters are used, and only a 12-character hash is stored.
 */
export function errorSignature(error: string | undefined): string {
  const norm = (error ?? '')
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '#')
    .replace(/\b[0-9a-f]{7,}\b/g, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return createHash('sha256').update(norm).digest('hex').slice(0, 12);
}
