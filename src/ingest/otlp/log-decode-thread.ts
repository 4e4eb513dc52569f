// The OTLP decode thread (log-decoder.ts): exports in, their Claude Code events out, moved (not
// copied) back to the main thread. A refusal goes back as the AppError's parts; anything else as
// `crashed`, so that the main thread reads the export itself and reports the failure where it logs.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { errorParts, readLogsExport, type ThreadReply, type ThreadRequest } from './log-decoder.js';
import { loadOtlpProtobuf } from './otlp-protobuf.js';

loadOtlpProtobuf();

parentPort!.on('message', (m: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    const events = readLogsExport(m.bytes, m.format, m.scope);
    parentPort!.postMessage({ id: m.id, events } satisfies ThreadReply, [events.ints.buffer as ArrayBuffer, events.nums.buffer as ArrayBuffer]);
    return;
  } catch (e) {
    reply = e instanceof AppError ? { id: m.id, error: errorParts(e) } : { id: m.id, crashed: true };
  }
  parentPort!.postMessage(reply);
});
