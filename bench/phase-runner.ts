// One benchmark phase in its own process: bench/run.ts forks this file, sends the phase's name and
// options, and gets back its result, its wall time and its own peak memory.
import { MemorySampler, type MemoryPeak } from './lib/memory.js';
import type { PhaseOptions } from './phases/options.js';

export const PHASES = {
  generate: () => import('./phases/generate.js'),
  otlp: () => import('./phases/otlp.js'),
  events: () => import('./phases/events.js'),
  generic: () => import('./phases/generic.js'),
  outage: () => import('./phases/outage.js'),
  queries: () => import('./phases/queries.js'),
  digests: () => import('./phases/digests.js'),
} as const;
export type PhaseName = keyof typeof PHASES;

export interface PhaseRequest {
  phase: PhaseName;
  options: PhaseOptions;
}

export type PhaseReply =
  | { ok: true; result: unknown; wallMs: number; memory: MemoryPeak }
  | { ok: false; error: string; memory: MemoryPeak };

process.once('message', (msg: PhaseRequest) => {
  const sampler = new MemorySampler().start();
  const reply = (r: PhaseReply, code: number) => process.send!(r, () => process.exit(code));
  void (async () => {
    try {
      const mod = (await PHASES[msg.phase]()) as { run(o: PhaseOptions): Promise<unknown> };
      const t0 = performance.now();
      const result = await mod.run(msg.options);
      reply({ ok: true, result, wallMs: Math.round(performance.now() - t0), memory: sampler.stop() }, 0);
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), memory: sampler.stop() }, 1);
    }
  })();
});
