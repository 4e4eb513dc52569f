// Webhook authentication shared by GitHub, Jira and Linear: an HMAC-SHA256 hex digest of the raw
// body, compared in constant time. Secret unset → 503 naming the variable (before anything is read);
// signature header missing → 400; wrong → 401.
import type { IncomingMessage } from 'node:http';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { AppError, NotConfiguredError, UnauthorizedError } from '../../errors.js';
import { verifyHmacSha256 } from '../../http/crypto.js';
import type { Verifier } from '../../http/route.js';

export class MissingSignatureError extends AppError {
  constructor(header: string, variable: string) {
    super(
      'missing_signature',
      400,
      `the ${header} header is missing: register the webhook with a secret, the same value as ${variable}`,
    );
    this.name = 'MissingSignatureError';
  }
}

export interface WebhookAuthSpec {
  /** header name, lower case, as Node gives it */
  header: string;
  /** text before the hex digest ("sha256=" for GitHub and Jira, "" for Linear) */
  prefix: string;
  /** the environment variable holding the secret (named in messages) */
  variable: string;
  secret(config: Config): string | undefined;
}

/** Throws unless `value` is the HMAC of `raw` under `secret` (pure apart from the constant-time compare). */
export function checkSignature(
  secret: string,
  raw: Buffer,
  value: string | string[] | undefined,
  spec: Pick<WebhookAuthSpec, 'header' | 'prefix' | 'variable'>,
): void {
  const sig = Array.isArray(value) ? value[0] : value;
  if (sig === undefined || sig.trim() === '') throw new MissingSignatureError(spec.header, spec.variable);
  if (!verifyHmacSha256(secret, raw, sig, spec.prefix)) throw new UnauthorizedError();
}

/** a route precheck: 503 when the secret is not set, so nothing is read or stored */
export function requireSecret(spec: WebhookAuthSpec): (deps: Deps) => void {
  return (deps) => {
    if (!spec.secret(deps.config)) throw new NotConfiguredError(`${spec.variable} is not set`);
  };
}

/** a route verifier over the raw bytes */
export function webhookVerifier(spec: WebhookAuthSpec): Verifier {
  return (raw: Buffer, headers: IncomingMessage['headers'], deps: Deps) => {
    const secret = spec.secret(deps.config);
    if (!secret) throw new NotConfiguredError(`${spec.variable} is not set`);
    checkSignature(secret, raw, headers[spec.header], spec);
  };
}

export const GITHUB_AUTH: WebhookAuthSpec = {
  header: 'x-hub-signature-256',
  prefix: 'sha256=',
  variable: 'GITHUB_WEBHOOK_SECRET',
  secret: (c) => c.webhooks.githubSecret,
};

export const JIRA_AUTH: WebhookAuthSpec = {
  header: 'x-hub-signature',
  prefix: 'sha256=',
  variable: 'JIRA_WEBHOOK_SECRET',
  secret: (c) => c.webhooks.jiraSecret,
};

export const LINEAR_AUTH: WebhookAuthSpec = {
  header: 'linear-signature',
  prefix: '',
  variable: 'LINEAR_WEBHOOK_SECRET',
  secret: (c) => c.webhooks.linearSecret,
};

/** the first value of a header, trimmed; undefined when absent or empty */
export function headerValue(headers: IncomingMessage['headers'], name: string): string | undefined {
  const v = headers[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : undefined;
}
