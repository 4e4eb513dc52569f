// Dollar amounts as people type them in Slack: 500, $500, 1.5k, $1,200.50, 2m.
/** 500, $500, 1.5k, $1,200.50, 2m → dollars; undefined when not an amount */
export function parseAmount(word: string): number | undefined {
  const m = /^\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([km])?$/i.exec(word.trim());
  if (!m) return undefined;
  const digits = m[1]!;
  if (digits.includes(',') && !/^[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?$/.test(digits)) return undefined;
  const base = Number(digits.replace(/,/g, ''));
  if (!Number.isFinite(base)) return undefined;
  const mult = m[2]?.toLowerCase() === 'k' ? 1_000 : m[2]?.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Math.round(base * mult * 100) / 100;
}
