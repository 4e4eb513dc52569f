// The only file that imports node-cron. Jobs are (deps, now) functions; this runs them on time.
import cron from 'node-cron';
import type { ScheduledJob } from '../feature.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';

export function isValidCron(expr: string): boolean {
  return cron.validate(expr);
}

export interface Scheduler {
  /** waits for running jobs to finish */
  stop(): Promise<void>;
}

export function startScheduler(jobs: ScheduledJob[], opts: { timezone: string; logger: Logger; clock: Clock }): Scheduler {
  const running = new Set<Promise<void>>();
  const exec = (job: ScheduledJob) => {
    const p = (async () => {
      try {
        await job.run(opts.clock.now());
      } catch (e) {
        opts.logger.error('job failed', { job: job.name, err: e });
      }
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  const tasks = jobs.map((job) =>
    cron.schedule(job.cron, () => exec(job), { timezone: opts.timezone, name: job.name, noOverlap: true }),
  );
  for (const job of jobs) if (job.runOnStart) void exec(job);
  return {
    async stop() {
      for (const t of tasks) await t.stop();
      for (const t of tasks) await t.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
