import { loadImage, createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { COLORS, digestChartSpec } from '../../src/digest/digest-chart.js';
import { pngSize, renderChartPng } from '../../src/charts/render.js';
import { computeDigest, digestWeeks, type DigestFigures } from '../../src/digest/digest.js';

const DAY = 86_400_000;

function figures(spend: number[], stories: number[]): DigestFigures {
  const { week, weeks } = digestWeeks(Date.parse('2026-11-23T10:00:00Z'), 'UTC');
  const last = spend.length - 1;
  return computeDigest({
    scope: { kind: 'team', teamId: 1, name: 'Platform' },
    timezone: 'UTC',
    week,
    weeks: weeks.map((w, i) => ({ from: w.from, to: w.to, spendUsd: spend[i]!, stories: stories[i]!, points: stories[i]! * 2 })),
    spend: { costUsd: spend[last]!, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, fitCostUsd: 0, fitAltCostUsd: 0, fitRequests: 0 },
    models: [],
    sources: [],
    stories: { stories: stories[last]!, points: stories[last]! * 2, aiAssisted: 0, unpointed: 0 },
    waste: { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 },
    hasDelivery: true,
    firstSpendDay: null,
    month: { key: '2026-11', from: '2026-11-01', to: '2026-12-01', spentUsd: 0, forecastUsd: 0, elapsedMs: 22 * DAY, monthMs: 30 * DAY, baseBudgetUsd: null, increasesUsd: 0 },
  });
}

type Dataset = { type?: string; label: string; data: Array<number | null>; yAxisID?: string };

describe('digest chart configuration', () => {
  const f = figures([0, 0, 300, 400, 0, 600, 900, 1000], [0, 0, 3, 2, 0, 6, 6, 8]);
  const spec = digestChartSpec(f);

  it('spend as bars and stories as a line on a second axis; cost per story in a second panel', () => {
    expect(spec.width).toBe(800);
    expect(spec.height).toBe(500);
    expect(spec.devicePixelRatio).toBe(2);
    expect(spec.panels.map((p) => p.height)).toEqual([310, 190]);
    const [top, bottom] = spec.panels.map((p) => p.config);
    const labels = ['28 Sep', '5 Oct', '12 Oct', '19 Oct', '26 Oct', '2 Nov', '9 Nov', '16 Nov'];
    expect(top!.data.labels).toEqual(labels);
    const [bars, line] = top!.data.datasets as Dataset[];
    // weeks before any data stay blank; a quiet week after data began is a real zero
    expect(bars).toMatchObject({ type: 'bar', label: 'Spend', yAxisID: 'y', data: [null, null, 300, 400, 0, 600, 900, 1000] });
    expect(line).toMatchObject({ type: 'line', label: 'Stories delivered', yAxisID: 'y1', data: [null, null, 3, 2, 0, 6, 6, 8] });
    const scales = top!.options!.scales as Record<string, { position?: string }>;
    expect(scales.y!.position).toBe('left');
    expect(scales.y1!.position).toBe('right');
    expect(bottom!.data.labels).toEqual(labels);
    expect((bottom!.data.datasets[0] as Dataset).data).toEqual([null, null, 100, 200, null, 100, 150, 125]);
  });

  it('alt text gives the figures in words', () => {
    expect(spec.altText).toBe(
      'Chart for Platform, 8 weeks (28 Sep – 22 Nov 2026). ' +
        'Spend per week: $0.00, $0.00, $300, $400, $0.00, $600, $900, $1,000. ' +
        'Stories delivered per week: 0, 0, 3, 2, 0, 6, 6, 8. ' +
        'Cost per story: none, none, $100, $200, none, $100, $150, $125.',
    );
  });
});

describe('chart PNG', () => {
  it('is 1600×1000 (800×500 at twice the pixel density) and shows all three series', async () => {
    const png = renderChartPng(digestChartSpec(figures([500, 650, 300, 400, 700, 600, 900, 1000], [4, 5, 3, 2, 7, 6, 6, 8])));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(pngSize(png)).toEqual({ width: 1600, height: 1000 });

    // count the pixels of each series' colour: a blank or half-drawn image fails here
    const img = await loadImage(png);
    const canvas = createCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const counts = { spend: 0, stories: 0, costPerStory: 0, white: 0 };
    const targets = { spend: hex(COLORS.spend), stories: hex(COLORS.stories), costPerStory: hex(COLORS.costPerStory), white: [255, 255, 255] };
    for (let i = 0; i < data.length; i += 4) {
      for (const [k, rgb] of Object.entries(targets) as Array<[keyof typeof counts, number[]]>) {
        if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) counts[k] += 1;
      }
    }
    expect(counts.spend).toBeGreaterThan(100_000); // eight bars
    expect(counts.stories).toBeGreaterThan(5_000);
    expect(counts.costPerStory).toBeGreaterThan(5_000);
    expect(counts.white).toBeGreaterThan(600_000); // an opaque white background, not transparent
  });
});
