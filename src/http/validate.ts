// Request bodies to typed values, with the exact field at fault: zod's issues as `path: message`,
// and the one answer for a body that is not JSON. Apart from route.ts so that code off the main
// thread (the OTLP decode thread) can use them without the HTTP and database modules.
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(zodIssues(r.error));
  return r.data;
}

/** JSON.parse of a UTF-8 body; 400 when it is not JSON */
export function parseJsonBody(raw: Uint8Array): unknown {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ path: '(body)', message: 'body is not valid JSON' }]);
  }
}
