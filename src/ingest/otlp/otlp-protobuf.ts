// OTLP protobuf (ExportMetricsServiceRequest, ExportLogsServiceRequest and their responses), for
// OTLP/HTTP with Content-Type application/x-protobuf and for OTLP/gRPC. Decoding is protobufjs's,
// from the official opentelemetry-proto definitions as the @elastic/mockotlpserver package publishes
// them (opentelemetry-proto v1.4.0, kept in step with OpenTelemetry JS); nothing here reads the wire
// format by hand. What this file adds is strictness and the shape the JSON path already reads:
//
// - a field whose wire type does not match its definition is refused (400 / INVALID_ARGUMENT) with
//   its path, as zod refuses a JSON field of the wrong type; protobufjs keeps such fields aside as
//   unknown ($unknowns) instead of failing, so every decoded message is checked for them. Field
//   numbers the definitions do not know are ignored, as OTLP receivers must (forward compatibility);
// - truncated messages, lengths past the end, varints over 10 bytes, bad UTF-8 and nesting deeper
//   than protobufjs's recursion limit fail inside protobufjs and are answered 400 with its reason;
// - the decoded tree is turned into the plain OTLP/JSON shape of otlp-schema.ts (64-bit integers as
//   decimal strings, oneofs as the one member set), so metrics.ts and logs.ts read one shape.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { ValidationError } from '../../errors.js';
import type { AnyValue, ExportLogs, ExportMetrics, KeyValue, LogRecord, Metric, NumberPoint } from './otlp-schema.js';

const PKG = 'opentelemetry.proto';
const PROTOS = ['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', 'opentelemetry/proto/collector/logs/v1/logs_service.proto'];

type Msg = protobuf.Message & Record<string, unknown> & { $unknowns?: Uint8Array[] };

interface Types {
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  logsRequest: protobuf.Type;
  logsResponse: protobuf.Type;
  status: protobuf.Type;
  anyValue: protobuf.Type;
  keyValue: protobuf.Type;
  resource: protobuf.Type;
  scope: protobuf.Type;
  resourceLogs: protobuf.Type;
  scopeLogs: protobuf.Type;
  logRecord: protobuf.Type;
  resourceMetrics: protobuf.Type;
  scopeMetrics: protobuf.Type;
  metric: protobuf.Type;
  sum: protobuf.Type;
  point: protobuf.Type;
  exemplar: protobuf.Type;
}

let loaded: Types | undefined;

function types(): Types {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@elastic/mockotlpserver/package.json'));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(dir, target);
  root.loadSync(PROTOS);
  // event_name (LogRecord field 12) came with opentelemetry-proto 1.5.0, after the published copy
  const logRecord = root.lookupType(`${PKG}.logs.v1.LogRecord`);
  if (!logRecord.fieldsById[12]) logRecord.add(new protobuf.Field('eventName', 12, 'string'));
  // google.rpc.Status, the body of OTLP/HTTP protobuf error answers (code, message; no details sent)
  const status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
  root.define('google.rpc').add(status);
  root.resolveAll();
  const type = (name: string) => root.lookupType(`${PKG}.${name}`);
  loaded = {
    metricsRequest: type('collector.metrics.v1.ExportMetricsServiceRequest'),
    metricsResponse: type('collector.metrics.v1.ExportMetricsServiceResponse'),
    logsRequest: type('collector.logs.v1.ExportLogsServiceRequest'),
    logsResponse: type('collector.logs.v1.ExportLogsServiceResponse'),
    status,
    anyValue: type('common.v1.AnyValue'),
    keyValue: type('common.v1.KeyValue'),
    resource: type('resource.v1.Resource'),
    scope: type('common.v1.InstrumentationScope'),
    resourceLogs: type('logs.v1.ResourceLogs'),
    scopeLogs: type('logs.v1.ScopeLogs'),
    logRecord,
    resourceMetrics: type('metrics.v1.ResourceMetrics'),
    scopeMetrics: type('metrics.v1.ScopeMetrics'),
    metric: type('metrics.v1.Metric'),
    sum: type('metrics.v1.Sum'),
    point: type('metrics.v1.NumberDataPoint'),
    exemplar: type('metrics.v1.Exemplar'),
  };
  return loaded;
}

/** loads the definitions now (at start-up) rather than on the first request */
export function loadOtlpProtobuf(): void {
  types();
}

function decode(type: protobuf.Type, bytes: Uint8Array, what: string): Msg {
  const reader = protobuf.Reader.create(bytes);
  // keep fields aside that did not decode, so that a wrong wire type is seen (checkUnknowns)
  reader.discardUnknown = false;
  try {
    return type.decode(reader) as Msg;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ValidationError([{ path: '(body)', message: `not a valid protobuf ${what}: ${reason}` }]);
  }
}

const own = (m: object, k: string) => Object.prototype.hasOwnProperty.call(m, k);

/** a field the definitions know, sent with another wire type, is refused; unknown numbers are ignored */
function checkUnknowns(type: protobuf.Type, m: Msg, path: string): void {
  const unknowns = m.$unknowns;
  if (!unknowns) return;
  for (const raw of unknowns) {
    const tag = protobuf.Reader.create(raw).uint32();
    const field = type.fieldsById[tag >>> 3];
    if (field) {
      throw new ValidationError([
        { path: path ? `${path}.${field.name}` : field.name, message: `has wire type ${tag & 7}, which does not match its type (${field.type})` },
      ]);
    }
  }
}

/** checks a subtree aispend does not read (histograms, exemplars, nested values) for wrong wire types */
function checkTree(type: protobuf.Type, m: Msg, path: string): void {
  checkUnknowns(type, m, path);
  for (const field of type.fieldsArray) {
    if (!(field.resolvedType instanceof protobuf.Type) || !own(m, field.name)) continue;
    const v = m[field.name];
    const sub = field.resolvedType;
    if (Array.isArray(v)) v.forEach((x, i) => checkTree(sub, x as Msg, `${path}.${field.name}.${i}`));
    else if (v) checkTree(sub, v as Msg, `${path}.${field.name}`);
  }
}

/** 64-bit integers: protobufjs gives Long objects (or numbers); OTLP/JSON carries decimal strings */
function int64(v: unknown): string {
  return typeof v === 'object' && v !== null ? String(v) : String(v ?? 0);
}

function anyValue(t: Types, m: Msg, path: string): AnyValue {
  checkUnknowns(t.anyValue, m, path);
  const which = m.value as string | undefined;
  switch (which) {
    case 'stringValue':
      return { stringValue: m.stringValue as string };
    case 'boolValue':
      return { boolValue: m.boolValue as boolean };
    case 'intValue':
      return { intValue: int64(m.intValue) };
    case 'doubleValue':
      return { doubleValue: m.doubleValue as number };
    case 'bytesValue':
      return { bytesValue: Buffer.from(m.bytesValue as Uint8Array).toString('base64') };
    case 'arrayValue':
    case 'kvlistValue': {
      // nested values are never read: checked, and kept as they are
      const field = t.anyValue.fields[which]!;
      checkTree(field.resolvedType as protobuf.Type, m[which] as Msg, `${path}.${which}`);
      return { [which]: m[which] };
    }
    default:
      return {};
  }
}

function attributes(t: Types, list: unknown, path: string): KeyValue[] {
  const kvs = list as Msg[] | undefined;
  if (!kvs || kvs.length === 0) return [];
  const out: KeyValue[] = new Array(kvs.length);
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i]!;
    checkUnknowns(t.keyValue, kv, `${path}.${i}`);
    const value = kv.value as Msg | null | undefined;
    out[i] = { key: kv.key as string, value: value ? anyValue(t, value, `${path}.${i}.value`) : null };
  }
  return out;
}

/** the parts of a ResourceX / ScopeX message both signals share */
function resourceAndScope(t: Types, m: Msg, path: string, scopeType: protobuf.Type) {
  const resource = m.resource as Msg | null;
  let res: { attributes: KeyValue[] } | null = null;
  if (resource) {
    checkUnknowns(t.resource, resource, `${path}.resource`);
    res = { attributes: attributes(t, resource.attributes, `${path}.resource.attributes`) };
  }
  return {
    resource: res,
    scope: (s: Msg, sPath: string) => {
      checkUnknowns(scopeType, s, sPath);
      const sc = s.scope as Msg | null;
      if (!sc) return null;
      checkTree(t.scope, sc, `${sPath}.scope`);
      return { name: sc.name as string, version: sc.version as string };
    },
  };
}

/** at most this many data points or log records in one request (a Collector sends a few thousand) */
export const MAX_ITEMS_PER_REQUEST = 100_000;

export function tooManyItems(n: number, what: 'data points' | 'log records'): ValidationError {
  return new ValidationError([
    {
      path: '(body)',
      message: `${n} ${what} in one request; at most ${MAX_ITEMS_PER_REQUEST} are taken (lower the Collector's send_batch_max_size)`,
    },
  ]);
}

export function decodeLogsRequest(bytes: Uint8Array): ExportLogs {
  const t = types();
  const req = decode(t.logsRequest, bytes, 'ExportLogsServiceRequest');
  checkUnknowns(t.logsRequest, req, '');
  let items = 0;
  const resourceLogs = ((req.resourceLogs as Msg[]) ?? []).map((rl, i) => {
    const path = `resourceLogs.${i}`;
    checkUnknowns(t.resourceLogs, rl, path);
    const rs = resourceAndScope(t, rl, path, t.scopeLogs);
    return {
      resource: rs.resource,
      scopeLogs: ((rl.scopeLogs as Msg[]) ?? []).map((sl, j) => {
        const sPath = `${path}.scopeLogs.${j}`;
        const records = (sl.logRecords as Msg[]) ?? [];
        items += records.length;
        if (items > MAX_ITEMS_PER_REQUEST) throw tooManyItems(countLogs(req), 'log records');
        return {
          scope: rs.scope(sl, sPath),
          logRecords: records.map((lr, k): LogRecord => {
            const rPath = `${sPath}.logRecords.${k}`;
            checkUnknowns(t.logRecord, lr, rPath);
            const body = lr.body as Msg | null;
            return {
              timeUnixNano: int64(lr.timeUnixNano),
              observedTimeUnixNano: int64(lr.observedTimeUnixNano),
              eventName: (lr.eventName as string) || null,
              body: body ? anyValue(t, body, `${rPath}.body`) : null,
              attributes: attributes(t, lr.attributes, `${rPath}.attributes`),
            };
          }),
        };
      }),
    };
  });
  return { resourceLogs };
}

function countLogs(req: Msg): number {
  let n = 0;
  for (const rl of (req.resourceLogs as Msg[]) ?? []) for (const sl of (rl.scopeLogs as Msg[]) ?? []) n += ((sl.logRecords as Msg[]) ?? []).length;
  return n;
}

type DataKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

export function decodeMetricsRequest(bytes: Uint8Array): ExportMetrics {
  const t = types();
  const req = decode(t.metricsRequest, bytes, 'ExportMetricsServiceRequest');
  checkUnknowns(t.metricsRequest, req, '');
  let items = 0;
  const resourceMetrics = ((req.resourceMetrics as Msg[]) ?? []).map((rm, i) => {
    const path = `resourceMetrics.${i}`;
    checkUnknowns(t.resourceMetrics, rm, path);
    const rs = resourceAndScope(t, rm, path, t.scopeMetrics);
    return {
      resource: rs.resource,
      scopeMetrics: ((rm.scopeMetrics as Msg[]) ?? []).map((sm, j) => {
        const sPath = `${path}.scopeMetrics.${j}`;
        return {
          scope: rs.scope(sm, sPath),
          metrics: ((sm.metrics as Msg[]) ?? []).map((m, k): Metric => {
            const mPath = `${sPath}.metrics.${k}`;
            checkUnknowns(t.metric, m, mPath);
            const out: Metric = { name: m.name as string, unit: m.unit as string };
            const kind = m.data as DataKind | undefined;
            if (kind === 'sum') {
              const sum = m.sum as Msg;
              checkUnknowns(t.sum, sum, `${mPath}.sum`);
              const points = (sum.dataPoints as Msg[]) ?? [];
              items += points.length;
              if (items > MAX_ITEMS_PER_REQUEST) throw tooManyItems(countPoints(req), 'data points');
              out.sum = {
                aggregationTemporality: sum.aggregationTemporality as number,
                isMonotonic: sum.isMonotonic as boolean,
                dataPoints: points.map((p, n): NumberPoint => {
                  const pPath = `${mPath}.sum.dataPoints.${n}`;
                  checkUnknowns(t.point, p, pPath);
                  ((p.exemplars as Msg[]) ?? []).forEach((ex, e) => checkTree(t.exemplar, ex, `${pPath}.exemplars.${e}`));
                  const which = p.value as string | undefined;
                  return {
                    attributes: attributes(t, p.attributes, `${pPath}.attributes`),
                    startTimeUnixNano: int64(p.startTimeUnixNano),
                    timeUnixNano: int64(p.timeUnixNano),
                    asDouble: which === 'asDouble' ? (p.asDouble as number) : null,
                    asInt: which === 'asInt' ? int64(p.asInt) : null,
                  };
                }),
              };
            } else if (kind) {
              // other kinds are only counted (and refused as partial success when aispend reads the metric)
              const data = m[kind] as Msg;
              const points = (data.dataPoints as unknown[]) ?? [];
              items += points.length;
              if (items > MAX_ITEMS_PER_REQUEST) throw tooManyItems(countPoints(req), 'data points');
              checkTree(t.metric.fields[kind]!.resolvedType as protobuf.Type, data, `${mPath}.${kind}`);
              out[kind] = { dataPoints: points };
            }
            return out;
          }),
        };
      }),
    };
  });
  return { resourceMetrics };
}

function countPoints(req: Msg): number {
  let n = 0;
  for (const rm of (req.resourceMetrics as Msg[]) ?? []) {
    for (const sm of (rm.scopeMetrics as Msg[]) ?? []) {
      for (const m of (sm.metrics as Msg[]) ?? []) {
        const kind = m.data as string | undefined;
        if (kind) n += (((m[kind] as Msg).dataPoints as unknown[]) ?? []).length;
      }
    }
  }
  return n;
}

export interface PartialSuccess {
  rejected: number;
  message: string;
}

export function encodeMetricsResponse(partial?: PartialSuccess): Uint8Array {
  const t = types().metricsResponse;
  const body = partial ? { partialSuccess: { rejectedDataPoints: partial.rejected, errorMessage: partial.message } } : {};
  return t.encode(t.fromObject(body)).finish();
}

export function encodeLogsResponse(partial?: PartialSuccess): Uint8Array {
  const t = types().logsResponse;
  const body = partial ? { partialSuccess: { rejectedLogRecords: partial.rejected, errorMessage: partial.message } } : {};
  return t.encode(t.fromObject(body)).finish();
}

/** google.rpc.Status: OTLP/HTTP answers 4xx and 5xx to protobuf requests with one */
export function encodeStatus(code: number, message: string): Uint8Array {
  const t = types().status;
  return t.encode(t.fromObject({ code, message })).finish();
}

/** for tests, the bench and clients: OTLP/JSON-shaped objects to protobuf bytes */
export function encodeLogsRequest(body: unknown): Uint8Array {
  const t = types().logsRequest;
  return t.encode(t.fromObject(body as Record<string, unknown>)).finish();
}

export function encodeMetricsRequest(body: unknown): Uint8Array {
  const t = types().metricsRequest;
  return t.encode(t.fromObject(body as Record<string, unknown>)).finish();
}

/** decodes an answer (tests and the bench read what the server sent) */
export function decodeResponse(kind: 'metrics' | 'logs' | 'status', bytes: Uint8Array): Record<string, unknown> {
  const t = types();
  const type = kind === 'metrics' ? t.metricsResponse : kind === 'logs' ? t.logsResponse : t.status;
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>;
}
