// Reading OTLP attribute values and timestamps leniently: Claude Code sends the same numeric
// attribute as intValue (number or string), doubleValue or stringValue depending on its version.
import * as crypto from 'node:crypto';
import type { AnyValue, KeyValue } from './otlp-schema.js';

export type Attrs = Record<string, AnyValue | undefined>;

export function toAttrs(list: readonly KeyValue[] | null | undefined, into: Attrs = Object.create(null) as Attrs): Attrs {
  if (list) for (const kv of list) into[kv.key] = kv.value ?? undefined;
  return into;
}

/** text of a scalar value (numbers and booleans as written), undefined when absent or empty */
export function str(v: AnyValue | undefined): string | undefined {
  if (!v) return undefined;
  let s: string | undefined;
  if (v.stringValue !== undefined) s = v.stringValue;
  else if (v.intValue !== undefined) s = String(v.intValue);
  else if (v.doubleValue !== undefined) s = String(v.doubleValue);
  else if (v.boolValue !== undefined) s = String(v.boolValue);
  s = s?.trim();
  return s ? s : undefined;
}

/** a number from intValue, doubleValue or a numeric stringValue; undefined when absent, NaN when not a number */
export function num(v: AnyValue | undefined): number | undefined {
  if (!v) return undefined;
  const raw = v.intValue ?? v.doubleValue ?? v.stringValue;
  if (raw === undefined) return v.boolValue !== undefined ? NaN : undefined;
  if (typeof raw === 'number') return raw;
  const t = raw.trim();
  if (t === '') return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** true/false from boolValue or the strings "true"/"false" */
export function bool(v: AnyValue | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.boolValue !== undefined) return v.boolValue;
  const s = str(v)?.toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return undefined;
}

/** nanoseconds (string or number) → bigint; undefined when absent or zero */
export function nanos(v: string | number | null | undefined): bigint | undefined {
  if (v === null || v === undefined) return undefined;
  try {
    const b = typeof v === 'number' ? BigInt(Math.trunc(v)) : BigInt(v);
    return b > 0n ? b : undefined;
  } catch {
    return undefined;
  }
}

export function nanosToMs(n: bigint): number {
  return Number(n / 1_000_000n);
}

/** stable text of an attribute set (sorted by key) */
export function canonical(a: Attrs): string {
  return Object.keys(a)
    .sort()
    .map((k) => `${k}=${str(a[k]) ?? ''}`)
    .join('\u0001');
}

/** short, stable hash for idempotency and series keys */
export function hashKey(...parts: Array<string | number | bigint | undefined>): string {
  let text = '';
  for (const p of parts) text += (p === undefined ? '\u0002' : String(p)) + '\u0000';
  return oneShot(text);
}

// crypto.hash (Node ≥ 20.12) is several times cheaper than createHash for short inputs
const fastHash = (crypto as { hash?: (alg: string, data: string, enc: 'base64url') => string }).hash;
function oneShot(text: string): string {
  const digest = fastHash ? fastHash('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url');
  return digest.slice(0, 27);
}
