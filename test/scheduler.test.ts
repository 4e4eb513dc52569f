// Jobs get a signal that aborts when the scheduler stops, so a long job (retention) ends early
// instead of holding up the shutdown; what it did not do, the next run does.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { silentLogger } from '../src/logger.js';
import { startScheduler } from '../src/scheduler.js';

describe('startScheduler', () => {
  it('aborts the signal of running jobs when it stops, and waits for them to end', async () => {
    let seen: AbortSignal | undefined;
    let ended = false;
    const s = startScheduler(
      [
        {
          name: 'long',
          cron: '0 3 * * *',
          runOnStart: true,
          run: async (_now, signal) => {
            seen = signal;
            while (!signal?.aborted) await new Promise((r) => setTimeout(r, 5));
            ended = true;
          },
        },
      ],
      { timezone: 'UTC', logger: silentLogger, clock: fixedClock(0) },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.aborted).toBe(false);
    await s.stop();
    expect(seen?.aborted).toBe(true);
    expect(ended).toBe(true);
  });
});
