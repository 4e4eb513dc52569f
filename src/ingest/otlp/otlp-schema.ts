// OTLP/HTTP JSON (ExportMetricsServiceRequest, ExportLogsServiceRequest), as far as aispend reads it.
// Encoding rules (opentelemetry-proto, docs/specification.md): lowerCamelCase keys; 64-bit integers as
// decimal strings or numbers; enums as integers; unknown fields ignored (zod strips them); a value
// that could be a string or a number is accepted either way and converted where it is used.
import { z } from 'zod';

/** uint64 / int64 / fixed64: a decimal string or a JSON number */
const int64 = z.union([z.string().regex(/^-?\d+$/, { error: 'must be an integer in a string' }), z.number()], {
  error: 'must be a 64-bit integer, as a decimal string or a number',
});
/** double: a number, or a string (proto3 JSON also allows "NaN", "Infinity", "1.5") */
const double = z.union([z.number(), z.string()], { error: 'must be a number' });

export const anyValueSchema = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: int64.optional(),
  doubleValue: double.optional(),
  bytesValue: z.string().optional(),
  // nested values are never read by aispend: accepted as they are
  arrayValue: z.unknown().optional(),
  kvlistValue: z.unknown().optional(),
});
export type AnyValue = z.infer<typeof anyValueSchema>;

export const keyValueSchema = z.object({ key: z.string(), value: anyValueSchema.nullish() });
export type KeyValue = z.infer<typeof keyValueSchema>;

const attributes = z.array(keyValueSchema).nullish();
const resource = z.object({ attributes }).nullish();
const scope = z.object({ name: z.string().nullish(), version: z.string().nullish() }).nullish();

export const numberPointSchema = z.object({
  attributes,
  startTimeUnixNano: int64.nullish(),
  timeUnixNano: int64.nullish(),
  asDouble: double.nullish(),
  asInt: int64.nullish(),
});
export type NumberPoint = z.infer<typeof numberPointSchema>;

/** AggregationTemporality: 1 DELTA, 2 CUMULATIVE (names accepted too) */
const temporality = z.union([z.number().int(), z.string()]).nullish();

const otherPoints = z.object({ dataPoints: z.array(z.unknown()).nullish() }).nullish();

export const metricSchema = z.object({
  name: z.string({ error: 'every metric needs a name' }),
  unit: z.string().nullish(),
  sum: z
    .object({
      dataPoints: z.array(numberPointSchema).nullish(),
      aggregationTemporality: temporality,
      isMonotonic: z.boolean().nullish(),
    })
    .nullish(),
  gauge: otherPoints,
  histogram: otherPoints,
  exponentialHistogram: otherPoints,
  summary: otherPoints,
});
export type Metric = z.infer<typeof metricSchema>;

export const exportMetricsSchema = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource,
        scopeMetrics: z.array(z.object({ scope, metrics: z.array(metricSchema).nullish() })).nullish(),
      }),
    )
    .nullish(),
});
export type ExportMetrics = z.infer<typeof exportMetricsSchema>;

export const logRecordSchema = z.object({
  timeUnixNano: int64.nullish(),
  observedTimeUnixNano: int64.nullish(),
  eventName: z.string().nullish(),
  body: anyValueSchema.nullish(),
  attributes,
});
export type LogRecord = z.infer<typeof logRecordSchema>;

export const exportLogsSchema = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource,
        scopeLogs: z.array(z.object({ scope, logRecords: z.array(logRecordSchema).nullish() })).nullish(),
      }),
    )
    .nullish(),
});
export type ExportLogs = z.infer<typeof exportLogsSchema>;

// ---------------------------------------------------------------------------------------------
// Fast path. Telemetry arrives in volume and zod copies every object it checks, so requests are
// first checked by the hand-written guards below, which mirror the schemas above exactly and read
// the payload in place. Only a payload they refuse goes through zod, for the field paths of the 400.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nil = (v: unknown) => v === undefined || v === null;
const INT_RE = /^-?\d+$/;
const isInt64 = (v: unknown) => (typeof v === 'string' ? INT_RE.test(v) : typeof v === 'number');
const isDouble = (v: unknown) => typeof v === 'number' || typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const nilStr = (v: unknown) => nil(v) || typeof v === 'string';

function okAnyValue(v: unknown): boolean {
  if (!isObj(v)) return false;
  return (
    optStr(v.stringValue) &&
    (v.boolValue === undefined || typeof v.boolValue === 'boolean') &&
    (v.intValue === undefined || isInt64(v.intValue)) &&
    (v.doubleValue === undefined || isDouble(v.doubleValue)) &&
    optStr(v.bytesValue)
  );
}

function okAttributes(v: unknown): boolean {
  if (nil(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const kv of v) {
    if (!isObj(kv) || typeof kv.key !== 'string') return false;
    if (!nil(kv.value) && !okAnyValue(kv.value)) return false;
  }
  return true;
}

const okResource = (v: unknown) => nil(v) || (isObj(v) && okAttributes(v.attributes));
const okScope = (v: unknown) => nil(v) || (isObj(v) && nilStr(v.name) && nilStr(v.version));
const okArray = (v: unknown, each: (x: unknown) => boolean) => nil(v) || (Array.isArray(v) && v.every(each));

function okNumberPoint(p: unknown): boolean {
  return (
    isObj(p) &&
    okAttributes(p.attributes) &&
    (nil(p.startTimeUnixNano) || isInt64(p.startTimeUnixNano)) &&
    (nil(p.timeUnixNano) || isInt64(p.timeUnixNano)) &&
    (nil(p.asDouble) || isDouble(p.asDouble)) &&
    (nil(p.asInt) || isInt64(p.asInt))
  );
}

const okOther = (v: unknown) => nil(v) || (isObj(v) && (nil(v.dataPoints) || Array.isArray(v.dataPoints)));

function okMetric(m: unknown): boolean {
  if (!isObj(m) || typeof m.name !== 'string' || !nilStr(m.unit)) return false;
  const sum = m.sum;
  if (!nil(sum)) {
    if (!isObj(sum)) return false;
    const t = sum.aggregationTemporality;
    if (!(nil(t) || (typeof t === 'number' && Number.isInteger(t)) || typeof t === 'string')) return false;
    if (!(nil(sum.isMonotonic) || typeof sum.isMonotonic === 'boolean')) return false;
    if (!okArray(sum.dataPoints, okNumberPoint)) return false;
  }
  return okOther(m.gauge) && okOther(m.histogram) && okOther(m.exponentialHistogram) && okOther(m.summary);
}

function okLogRecord(r: unknown): boolean {
  return (
    isObj(r) &&
    (nil(r.timeUnixNano) || isInt64(r.timeUnixNano)) &&
    (nil(r.observedTimeUnixNano) || isInt64(r.observedTimeUnixNano)) &&
    nilStr(r.eventName) &&
    (nil(r.body) || okAnyValue(r.body)) &&
    okAttributes(r.attributes)
  );
}

export function isExportMetrics(v: unknown): v is ExportMetrics {
  return (
    isObj(v) &&
    okArray(
      v.resourceMetrics,
      (rm) => isObj(rm) && okResource(rm.resource) && okArray(rm.scopeMetrics, (sm) => isObj(sm) && okScope(sm.scope) && okArray(sm.metrics, okMetric)),
    )
  );
}

export function isExportLogs(v: unknown): v is ExportLogs {
  return (
    isObj(v) &&
    okArray(
      v.resourceLogs,
      (rl) => isObj(rl) && okResource(rl.resource) && okArray(rl.scopeLogs, (sl) => isObj(sl) && okScope(sl.scope) && okArray(sl.logRecords, okLogRecord)),
    )
  );
}
