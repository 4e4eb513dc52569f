// A minimal Socket Mode server (RFC 6455 text frames only): says hello, sends envelopes, collects acks.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, len]) : Buffer.from([0x81, 126, len >> 8, len & 0xff]);
  if (len >= 65536) throw new Error('frame too large for this fake');
  return Buffer.concat([head, payload]);
}

/** decodes complete masked client frames from `buf`; returns texts and the unread rest */
function decode(buf: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const opcode = buf[off]! & 0x0f;
    let len = buf[off + 1]! & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length < p + 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    if (buf.length < p + 4 + len) break;
    const mask = buf.subarray(p, p + 4);
    const data = Buffer.from(buf.subarray(p + 4, p + 4 + len));
    for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ mask[i % 4]!;
    if (opcode === 1) texts.push(data.toString('utf8'));
    off = p + 4 + len;
  }
  return { texts, rest: buf.subarray(off) };
}

export class FakeSocketMode {
  readonly received: Array<Record<string, unknown>> = [];
  private server?: Server;
  private socket?: Duplex;
  port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/link`;
  }

  async start(): Promise<this> {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', (req, socket) => {
      const key = String(req.headers['sec-websocket-key']);
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      this.socket = socket;
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const { texts, rest } = decode(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const t of texts) this.received.push(JSON.parse(t) as Record<string, unknown>);
      });
      socket.on('error', () => undefined);
      socket.write(frame(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { approximate_connection_time: 3600 } })));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this;
  }

  send(envelope: Record<string, unknown>): void {
    if (!this.socket) throw new Error('no Socket Mode client connected');
    this.socket.write(frame(JSON.stringify(envelope)));
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
