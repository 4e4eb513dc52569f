// Reading OTLP attribute values and timestamps leniently: Claude Code sends the same numeric
// attribute as intValue (number or string), doubleValue or stringValue depending on its version.
// Values come from OTLP/JSON (only the member sent is present) or straight from protobufjs (the
// oneof's name in `value`, the other members' defaults on the prototype; 64-bit integers as Long).
import * as crypto from 'node:crypto';
import type { AnyValue, KeyValue } from './otlp-schema.js';

/** protobufjs's 64-bit integers (the `long` package) */
interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
  toString(): string;
  toNumber(): number;
}
const isLong = (v: unknown): v is LongLike => typeof v === 'object' && v !== null && 'low' in v && 'high' in v;

type Scalar = string | number | boolean | LongLike | undefined;
const STRING = 1;
const INT = 2;
const DOUBLE = 3;
const BOOL = 4;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The kind of the scalar an AnyValue holds (0: none), without allocating. Only the member set is the
 * object's own property, in JSON as in protobufjs's messages (whose other members are defaults on the
 * prototype); protobufjs's oneof getter `value` is not used: it lists the object's keys on every call.
 */
function kindOf(v: AnyValue): number {
  if (has(v, 'stringValue') && v.stringValue !== undefined) return STRING;
  if (has(v, 'intValue') && v.intValue !== undefined) return INT;
  if (has(v, 'doubleValue') && v.doubleValue !== undefined) return DOUBLE;
  if (has(v, 'boolValue') && v.boolValue !== undefined) return BOOL;
  return 0;
}
function scalar(v: AnyValue, kind: number): Scalar {
  return kind === STRING ? v.stringValue : kind === INT ? (v.intValue as Scalar) : kind === DOUBLE ? (v.doubleValue as Scalar) : kind === BOOL ? v.boolValue : undefined;
}

export type Attrs = Record<string, AnyValue | undefined>;

export function toAttrs(list: readonly KeyValue[] | null | undefined, into: Attrs = Object.create(null) as Attrs): Attrs {
  if (list) for (const kv of list) into[kv.key] = kv.value ?? undefined;
  return into;
}

/** text of a scalar value (numbers and booleans as written), undefined when absent or empty */
export function str(value: AnyValue | undefined): string | undefined {
  if (!value) return undefined;
  const kind = kindOf(value);
  if (kind === 0) return undefined;
  const raw = scalar(value, kind);
  let s = kind === STRING ? (raw as string) : String(raw);
  // most values need no trimming: look at the ends first (whitespace is ≤ U+0020 or ≥ U+007F)
  if (s.length > 0) {
    const a = s.charCodeAt(0);
    const b = s.charCodeAt(s.length - 1);
    if (a <= 32 || b <= 32 || a >= 0x7f || b >= 0x7f) s = s.trim();
  }
  return s ? s : undefined;
}

/** a number from intValue, doubleValue or a numeric stringValue; undefined when absent, NaN when not a number */
export function num(value: AnyValue | undefined): number | undefined {
  if (!value) return undefined;
  const kind = kindOf(value);
  if (kind === 0) return undefined;
  if (kind === BOOL) return NaN;
  const raw = scalar(value, kind);
  if (typeof raw === 'number') return raw;
  if (isLong(raw)) return raw.toNumber();
  if (typeof raw !== 'string') return NaN;
  const t = raw.trim();
  if (t === '') return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** true/false from boolValue or the strings "true"/"false" */
export function bool(value: AnyValue | undefined): boolean | undefined {
  if (!value) return undefined;
  if (kindOf(value) === BOOL) return value.boolValue;
  const s = str(value)?.toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return undefined;
}

/** nanoseconds (string, number or protobufjs Long) → bigint; undefined when absent or zero */
export function nanos(v: unknown): bigint | undefined {
  if (v === null || v === undefined) return undefined;
  try {
    let b: bigint;
    if (typeof v === 'number') b = BigInt(Math.trunc(v));
    else if (typeof v === 'string') b = BigInt(v);
    else if (isLong(v)) {
      if (v.low === 0 && v.high === 0) return undefined;
      b = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
      if (!v.unsigned && v.high < 0) b -= 1n << 64n;
    } else return undefined;
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

/** the length of every hashKey */
export const HASH_KEY_LENGTH = 27;

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
  return digest.slice(0, HASH_KEY_LENGTH);
}
