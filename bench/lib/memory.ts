// Peak resident memory of a phase. Each phase runs in its own child process, so the kernel's
// high-water mark (getrusage maxRSS) is the phase's own peak; a sampler adds the JS heap's share.
export interface MemoryPeak {
  /** kernel high-water mark of the whole process (includes the tsx loader, about 85 MB) */
  peakRssMb: number;
  /** highest RSS seen by the sampler */
  sampledRssMb: number;
  peakHeapUsedMb: number;
}

export class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 25): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** also called by phases between synchronous steps, where the timer cannot fire */
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
  }

  stop(): MemoryPeak {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    return {
      peakRssMb: Math.max(mb(this.peakRss), Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10),
      sampledRssMb: mb(this.peakRss),
      peakHeapUsedMb: mb(this.peakHeap),
    };
  }
}
