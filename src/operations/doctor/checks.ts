// What `aispend doctor` reports: one line per check, ✔ or ✖ (with the fix), or – for something not
// set up (optional, so not a failure). Exit 1 on any ✖.

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface Check {
  status: CheckStatus;
  title: string;
  detail: string;
  /** what to do about a ✖ */
  fix?: string;
}

export const ok = (title: string, detail: string): Check => ({ status: 'ok', title, detail });
export const fail = (title: string, detail: string, fix: string): Check => ({ status: 'fail', title, detail, fix });
export const skip = (title: string, detail: string): Check => ({ status: 'skip', title, detail });

const MARK: Record<CheckStatus, string> = { ok: '✔', fail: '✖', skip: '–' };

export function checkLine(c: Check): string {
  const detail = c.detail.replace(/\.$/, '');
  return `${MARK[c.status]} ${c.title}: ${detail}${c.fix ? `. Fix: ${c.fix.replace(/\.$/, '')}.` : ''}`;
}

/** "3 min ago", "2 h ago", "5 days ago" */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
