// Summaries of repeated measurements: every figure carries its run count and its spread.
export interface Summary {
  runs: number;
  min: number;
  max: number;
  mean: number;
  stdev: number;
  p50: number;
  p99: number;
}

/** nearest-rank percentile of sorted values */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? NaN : sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return {
    runs: n,
    min: sorted[0] ?? NaN,
    max: sorted[n - 1] ?? NaN,
    mean,
    stdev: Math.sqrt(variance),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** rounds every number of a summary for printing and JSON (3 significant decimals are plenty) */
export function rounded(s: Summary, digits = 3): Summary {
  const r = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);
  return { runs: s.runs, min: r(s.min), max: r(s.max), mean: r(s.mean), stdev: r(s.stdev), p50: r(s.p50), p99: r(s.p99) };
}
