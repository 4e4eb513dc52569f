import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab); // spend comparable time before answering
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function hmacSha256Hex(secret: string, raw: Buffer | string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

/** Verifies a hex HMAC-SHA256 of the raw bytes, with an optional prefix such as "sha256=". */
export function verifyHmacSha256(secret: string, raw: Buffer, signature: string, prefix = ''): boolean {
  const expected = prefix + hmacSha256Hex(secret, raw);
  return safeEqual(expected, signature.trim().toLowerCase());
}
