// Number and text formatting for people: short, exact where it matters, never "NaN".
const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** $1,234 for large amounts, $12.34 under $100, "—" for null */
export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const r = Math.abs(v) >= 100 ? usd0.format(v) : usd2.format(v);
  return r === '-$0.00' ? '$0.00' : r;
}

export function count(v: number): string {
  return Number.isFinite(v) ? int.format(v) : '—';
}

export function points(v: number): string {
  return Number.isFinite(v) ? dec1.format(v) : '—';
}

/** 1.2M, 34k, 950 */
export function tokens(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e9) return `${dec1.format(v / 1e9)}B`;
  if (a >= 1e6) return `${dec1.format(v / 1e6)}M`;
  if (a >= 1e3) return `${dec1.format(v / 1e3)}k`;
  return int.format(v);
}

export function percent(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return `${Math.round(v * 100)}%`;
}

/** ▲ 12% / ▼ 3% / no change / "new" when there is no previous figure */
export function change(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'no earlier figure';
  if (Math.abs(v) < 0.005) return 'no change';
  return `${v > 0 ? '▲' : '▼'} ${Math.round(Math.abs(v) * 100)}%`;
}

/** 2 h 05 min, 45 min, 3 d 4 h */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** fits text into a Block Kit limit, cutting on a word with an ellipsis */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const sp = cut.lastIndexOf(' ');
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut) + '…';
}

