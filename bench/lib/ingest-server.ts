// The server side of an ingest run, in its own process (forked with tsx by bench/phases/ingest.ts):
// the product's HTTP server with every feature's routes on 127.0.0.1. It first serves a warm-up
// database (a long-running bot has its code compiled and its caches filled), then the measured one;
// its CPU time between "go" and "stop", and its memory high-water mark, are the server's alone.
import { startCheckpointer, type Checkpointer } from '../../src/db/checkpointer.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { ingestDeps, ingestRoutes, type IngestServerOptions } from './ingest-deps.js';

export type ServerRequest = ({ open: string } & IngestServerOptions) | 'go' | 'stop';
export type ServerReply = { port: number } | { going: true } | { cpuMs: number; peakRssMb: number };

let db: Db | undefined;
let checkpointer: Checkpointer | undefined;
let server: HttpServer | undefined;
let cpu0 = process.cpuUsage();

async function closeCurrent(): Promise<void> {
  await server?.close();
  await checkpointer?.stop();
  db?.close();
  checkpointer = undefined;
  server = undefined;
  db = undefined;
}

const reply = (r: ServerReply, then?: () => void) => process.send!(r, undefined, undefined, then);

process.on('message', (m: ServerRequest) => {
  void (async () => {
    if (m === 'go') {
      cpu0 = process.cpuUsage();
      reply({ going: true });
    } else if (m === 'stop') {
      const cpu = process.cpuUsage(cpu0);
      await closeCurrent();
      reply({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, () => process.exit(0));
    } else {
      await closeCurrent();
      db = openDatabase(m.open);
      // as src/main.ts runs the bot
      checkpointer = startCheckpointer(db);
      const deps = ingestDeps(db, m);
      server = createHttpServer(deps, ingestRoutes(deps));
      reply({ port: await server.listen(0) });
    }
  })();
});
