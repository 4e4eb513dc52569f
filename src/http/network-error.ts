// Why an outgoing request never got an answer, in words (fetch's own "fetch failed" says nothing; the
// reason is in its `cause`, sometimes inside an AggregateError). Used to tell "cannot reach <service>
// at <url>: <reason>" apart from a service that answered and said no.

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (self-signed in chain)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted (self-signed)',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** the innermost useful reason of a network error; undefined when `e` is not one */
export function networkReason(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  const x = e as ErrorLike;
  if (x.name === 'TimeoutError' || x.name === 'AbortError') return 'no answer in time';
  if (x.code && CODES[x.code]) return `${CODES[x.code]} (${x.code})`;
  const inner = networkReason(x.cause, depth + 1) ?? (Array.isArray(x.errors) ? networkReason(x.errors[0], depth + 1) : undefined);
  if (inner) return inner;
  if (x.code && /^E[A-Z]+$/.test(x.code)) return `${x.message ?? 'network error'} (${x.code})`;
  // below the top level, a message is the reason itself (e.g. "bad port")
  if (depth > 0 && x.message && x.message !== 'fetch failed') return x.message;
  return undefined;
}
