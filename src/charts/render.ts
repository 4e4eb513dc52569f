// Renders chart.js configurations to PNG on @napi-rs/canvas (no DOM: chart.js uses its basic platform).
// Panels are drawn on their own canvases and stacked onto one image.
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  type ChartConfiguration,
} from 'chart.js';

export interface ChartPanel {
  /** CSS pixels; the panels are stacked top to bottom */
  height: number;
  config: ChartConfiguration;
}

export interface ChartSpec {
  /** CSS pixels; the PNG is width × devicePixelRatio wide */
  width: number;
  height: number;
  devicePixelRatio: number;
  background: string;
  panels: ChartPanel[];
  /** for screen readers: what the chart shows, in figures */
  altText: string;
  title: string;
}

let registered = false;
function register(): void {
  if (registered) return;
  Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title);
  registered = true;
}

/** draws one chart, hands its canvas to `use`, then frees it (destroy() clears the canvas) */
function withPanel(config: ChartConfiguration, width: number, height: number, dpr: number, use: (c: Canvas) => void): void {
  const canvas = createCanvas(width, height);
  // chart.js sizes the backing store to width×height×devicePixelRatio itself (retinaScale)
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: dpr },
  });
  try {
    chart.draw();
    use(canvas);
  } finally {
    chart.destroy();
    // as in renderChartPng: release the panel's pixels now (see there)
    canvas.width = 1;
    canvas.height = 1;
  }
}

/** PNG bytes of the spec: spec.width × devicePixelRatio by spec.height × devicePixelRatio pixels */
export function renderChartPng(spec: ChartSpec): Buffer {
  register();
  const dpr = spec.devicePixelRatio;
  const out = createCanvas(Math.round(spec.width * dpr), Math.round(spec.height * dpr));
  const ctx = out.getContext('2d');
  ctx.fillStyle = spec.background;
  ctx.fillRect(0, 0, out.width, out.height);
  let y = 0;
  for (const panel of spec.panels) {
    withPanel(panel.config, spec.width, panel.height, dpr, (canvas) => ctx.drawImage(canvas, 0, Math.round(y * dpr)));
    y += panel.height;
  }
  const png = out.toBuffer('image/png');
  // @napi-rs/canvas 1.1 keeps a canvas's pixels after a synchronous encode, even once the canvas is
  // garbage (~6 MB per chart, found by `npm run bench`); resizing it releases them
  out.width = 1;
  out.height = 1;
  return png;
}

/** width and height from a PNG's IHDR chunk */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature || png.subarray(12, 16).toString('ascii') !== 'IHDR') {
    throw new Error('not a PNG');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
