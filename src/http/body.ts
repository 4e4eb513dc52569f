import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { AppError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';

/** Reads the raw body, refusing more than `limit` bytes (before and after gunzip). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new PayloadTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding === 'gzip') {
    try {
      return gunzipSync(raw, { maxOutputLength: limit });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new PayloadTooLargeError(limit);
      }
      throw new AppError('invalid_encoding', 400, 'the body is not valid gzip');
    }
  }
  throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding} is not supported; send identity or gzip`);
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}
