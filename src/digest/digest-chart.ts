// The digest chart as chart.js configurations (pure): two panels stacked in one image, sized for a phone.
// Top: 8 weeks of spend (bars, $ axis on the left) and delivered stories (line, right axis).
// Bottom: cost per delivered story (line; gaps where no story was delivered).
import type { ChartConfiguration } from 'chart.js';
import type { ChartSpec } from '../charts/render.js';
import type { DigestFigures } from './digest.js';
import { dayRange, scopeName, shortDay } from './digest-text.js';
import { clip, count, usd } from '../slack/format.js';

export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
export const COLORS = { spend: '#3B73B9', stories: '#E07B24', costPerStory: '#2E8540', grid: '#E3E6EA', text: '#1D1C1D' } as const;

export const CHART_SIZE = { width: 800, height: 500, devicePixelRatio: 2 } as const;
const ALT_TEXT_MAX = 1000;

const font = (size: number, weight: 'normal' | 'bold' = 'normal') => ({ family: CHART_FONT, size, weight });
const moneyTick = (v: number | string) => usd(Number(v)).replace(/\.00$/, '');
// fixed axis widths keep the two panels' weeks aligned one above the other
const LEFT_AXIS = 110;
const RIGHT_AXIS = 84;
const fixWidth = (width: number) => (axis: { width: number }) => {
  axis.width = width;
};

export function digestChartAltText(f: DigestFigures): string {
  const first = f.trend[0]?.from ?? f.week.from;
  const text =
    `Chart for ${scopeName(f)}, ${f.trend.length} weeks (${dayRange(first, f.week.lastDay)}). ` +
    `Spend per week: ${f.trend.map((t) => usd(t.spendUsd)).join(', ')}. ` +
    `Stories delivered per week: ${f.trend.map((t) => count(t.stories)).join(', ')}. ` +
    `Cost per story: ${f.trend.map((t) => (t.costPerStory === null ? 'none' : usd(t.costPerStory))).join(', ')}.`;
  return clip(text, ALT_TEXT_MAX);
}

export function digestChartSpec(f: DigestFigures): ChartSpec {
  const labels = f.trend.map((t) => shortDay(t.from));
  // weeks before any data are left blank rather than drawn as zeros
  const first = f.trend.findIndex((t) => t.spendUsd > 0 || t.stories > 0);
  const known = <T>(i: number, v: T): T | null => (first === -1 || i < first ? null : v);
  const title = clip(`${scopeName(f)}: AI spend and delivered stories, weeks to ${shortDay(f.week.lastDay)}`, 90);
  const legend = {
    display: true,
    position: 'top' as const,
    labels: { font: font(18), color: COLORS.text, boxWidth: 22, padding: 16, sort: (a: { datasetIndex?: number }, b: { datasetIndex?: number }) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) },
  };
  const xScale = { offset: true, ticks: { font: font(17), color: COLORS.text }, grid: { display: false } };

  const top: ChartConfiguration = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: 'Spend',
          data: f.trend.map((t, i) => known(i, t.spendUsd)),
          backgroundColor: COLORS.spend,
          yAxisID: 'y',
          order: 2,
        },
        {
          type: 'line',
          label: 'Stories delivered',
          data: f.trend.map((t, i) => known(i, t.stories)),
          borderColor: COLORS.stories,
          backgroundColor: COLORS.stories,
          borderWidth: 4,
          pointRadius: 6,
          tension: 0,
          yAxisID: 'y1',
          order: 1,
        },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      maintainAspectRatio: false,
      devicePixelRatio: CHART_SIZE.devicePixelRatio,
      layout: { padding: { left: 8, right: 8, top: 4, bottom: 0 } },
      plugins: {
        title: { display: true, text: title, font: font(22, 'bold'), color: COLORS.text, padding: { top: 6, bottom: 6 } },
        legend,
        tooltip: { enabled: false },
      },
      scales: {
        x: xScale,
        y: {
          position: 'left',
          beginAtZero: true,
          ticks: { font: font(17), color: COLORS.spend, callback: moneyTick, maxTicksLimit: 5 },
          grid: { color: COLORS.grid },
          title: { display: true, text: 'Spend', font: font(17), color: COLORS.spend },
          afterFit: fixWidth(LEFT_AXIS),
        },
        y1: {
          position: 'right',
          beginAtZero: true,
          suggestedMax: 4,
          ticks: { font: font(17), color: COLORS.stories, precision: 0, maxTicksLimit: 5 },
          grid: { display: false },
          title: { display: true, text: 'Stories', font: font(17), color: COLORS.stories },
          afterFit: fixWidth(RIGHT_AXIS),
        },
      },
    },
  };

  const bottom: ChartConfiguration = {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'Cost per delivered story (gap: no stories that week)',
          data: f.trend.map((t) => t.costPerStory),
          borderColor: COLORS.costPerStory,
          backgroundColor: COLORS.costPerStory,
          borderWidth: 4,
          pointRadius: 6,
          spanGaps: false,
          tension: 0,
        },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      maintainAspectRatio: false,
      devicePixelRatio: CHART_SIZE.devicePixelRatio,
      layout: { padding: { left: 8, right: 8 + RIGHT_AXIS, top: 0, bottom: 4 } },
      plugins: { legend, tooltip: { enabled: false } },
      scales: {
        x: xScale,
        y: {
          beginAtZero: true,
          ticks: { font: font(17), color: COLORS.costPerStory, callback: moneyTick, maxTicksLimit: 4 },
          grid: { color: COLORS.grid },
          afterFit: fixWidth(LEFT_AXIS),
        },
      },
    },
  };

  return {
    ...CHART_SIZE,
    background: '#FFFFFF',
    panels: [
      { height: 310, config: top },
      { height: CHART_SIZE.height - 310, config: bottom },
    ],
    altText: digestChartAltText(f),
    title,
  };
}
