// OTLP protobuf (ExportMetricsServiceRequest, ExportLogsServiceRequest and their responses), for
// OTLP/HTTP with Content-Type application/x-protobuf and for OTLP/gRPC. Decoding is protobufjs's,
// from the official opentelemetry-proto definitions as the @elastic/mockotlpserver package publishes
// them (opentelemetry-proto v1.4.0, kept in step with OpenTelemetry JS); nothing here reads the wire
// format by hand. What this file adds is strictness and the shape the JSON path already reads:
//
// - a field whose wire type does not match its definition is refused (400 / INVALID_ARGUMENT) with
//   its path, as zod refuses a JSON field of the wrong type; protobufjs keeps such fields aside as
//   unknown ($unknowns) instead of failing, so when the decoder set anything aside the tree is checked. Field
//   numbers the definitions do not know are ignored, as OTLP receivers must (forward compatibility);
// - truncated messages, lengths past the end, varints over 10 bytes, bad UTF-8 and nesting deeper
//   than protobufjs's recursion limit fail inside protobufjs and are answered 400 with its reason;
// - the decoded messages are read as they are (no copy): their names are OTLP/JSON's, and
//   any-value.ts reads protobufjs's numbers and oneofs as well as JSON's strings and members.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { ValidationError } from '../../errors.js';
import type { ExportLogs, ExportMetrics } from './otlp-schema.js';

const PKG = 'opentelemetry.proto';
const PROTOS = ['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', 'opentelemetry/proto/collector/logs/v1/logs_service.proto'];

type Msg = protobuf.Message & Record<string, unknown> & { $unknowns?: Uint8Array[] };

interface Types {
  metricsRequest: protobuf.Type;
  metricsResponse: protobuf.Type;
  logsRequest: protobuf.Type;
  logsResponse: protobuf.Type;
  status: protobuf.Type;
}

let loaded: Types | undefined;

function types(): Types {
  if (loaded) return loaded;
  // 64-bit integers as JS numbers, not Long objects: decoding with Long is ~4× slower here (mostly
  // garbage collection). OTLP's 64-bit values are nanosecond times (read to within 256 ns at today's
  // epoch; aispend works in milliseconds) and counts far below 2^53. This copy of protobufjs is aispend's
  // own (the OpenTelemetry exporters and grpc-js do not use it), so the setting touches nothing else.
  protobuf.util.Long = undefined as never;
  protobuf.configure();
  flatStrings();
  cheapOneofSetters();
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
  };
  return loaded;
}

/**
 * protobufjs reads a short string by appending 8 characters at a time, which leaves a chain of V8
 * string pieces behind every attribute key and value. Those chains cost a third of the ingest time
 * (garbage collection, flattening when the string is hashed or bound to SQLite) and most of its
 * memory. Plain ASCII is read as one flat string; anything else goes to the same strict TextDecoder
 * protobufjs uses, so invalid UTF-8 is refused exactly as before.
 */
function flatStrings(): void {
  const utf8 = protobuf.util.utf8 as unknown as { readStrict: (buf: Uint8Array, start: number, end: number) => string };
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const latin1 = (Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;
  utf8.readStrict = (buf, start, end) => {
    for (let i = start; i < end; i++) if (buf[i]! & 0x80) return strict.decode(buf.subarray(start, end));
    return latin1.call(buf, start, end);
  };
}

/**
 * protobufjs names the member a oneof holds by assigning it to the oneof's property (AnyValue's
 * `value`), whose setter deletes each other member: six deletes, mostly of properties that are not
 * there, for every attribute value decoded (decoding took 5.0 µs an event, 2.9 µs without them). The
 * same rule (the last member on the wire wins), looking before deleting. Set before the message
 * classes are built, which read it then.
 */
function cheapOneofSetters(): void {
  const own = Object.prototype.hasOwnProperty;
  (protobuf.util as unknown as { oneOfSetter: (names: string[]) => (this: Record<string, unknown>, name: string) => void }).oneOfSetter =
    (names) =>
      function (name) {
        for (const f of names) if (f !== name && own.call(this, f)) delete this[f];
      };
}

/** loads the definitions now (at start-up) rather than on the first request */
export function loadOtlpProtobuf(): void {
  types();
}

/**
 * Decodes with protobufjs. Fields it could not take (unknown numbers, or known ones with the wrong
 * wire type) pass through the reader's skipType and are kept aside on their message; only then is the
 * tree walked to tell the two apart, so a well-formed export costs the decode alone.
 */
function decode(type: protobuf.Type, bytes: Uint8Array, what: string): Msg {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  let skipped = false;
  const skip = reader.skipType.bind(reader);
  reader.skipType = ((...args: Parameters<typeof skip>) => {
    skipped = true;
    return skip(...args);
  }) as typeof reader.skipType;
  let msg: Msg;
  try {
    msg = type.decode(reader) as Msg;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ValidationError([{ path: '(body)', message: `not a valid protobuf ${what}: ${reason}` }]);
  }
  if (skipped) checkTree(type, msg, '');
  return msg;
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

/** walks a decoded tree for fields kept aside because their wire type was wrong */
function checkTree(type: protobuf.Type, m: Msg, path: string): void {
  checkUnknowns(type, m, path);
  for (const field of type.fieldsArray) {
    if (!(field.resolvedType instanceof protobuf.Type) || !own(m, field.name)) continue;
    const v = m[field.name];
    const sub = field.resolvedType;
    const at = path ? `${path}.${field.name}` : field.name;
    if (Array.isArray(v)) v.forEach((x, i) => checkTree(sub, x as Msg, `${at}.${i}`));
    else if (v) checkTree(sub, v as Msg, at);
  }
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

/**
 * An ExportLogsServiceRequest, as protobufjs decoded it. Its shape is the OTLP/JSON one that logs.ts
 * reads (the same lowerCamelCase names), except that 64-bit integers are Long objects and an AnyValue
 * names its member in `value`: any-value.ts reads both.
 */
export function decodeLogsRequest(bytes: Uint8Array): ExportLogs {
  return decode(types().logsRequest, bytes, 'ExportLogsServiceRequest') as unknown as ExportLogs;
}

/** An ExportMetricsServiceRequest as protobufjs decoded it (see decodeLogsRequest; points name their value in `value`). */
export function decodeMetricsRequest(bytes: Uint8Array): ExportMetrics {
  return decode(types().metricsRequest, bytes, 'ExportMetricsServiceRequest') as unknown as ExportMetrics;
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
