// Date words of the quality answers: "last 7 days", "November to date", "Nov 17 – Nov 23". Pure.
const md = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const mdy = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const month = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' });

function dayDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

/** "Nov 17 – Nov 23" for local days [from, to); years shown when the range crosses one */
export function dayRange(from: string, toExclusive: string): string {
  const last = new Date(dayDate(toExclusive).getTime() - 86_400_000).toISOString().slice(0, 10);
  if (last <= from) return md.format(dayDate(from));
  if (from.slice(0, 4) !== last.slice(0, 4)) return `${mdy.format(dayDate(from))} – ${mdy.format(dayDate(last))}`;
  return `${md.format(dayDate(from))} – ${md.format(dayDate(last))}`;
}

export function periodTitle(kind: 'week' | 'month', from: string): string {
  return kind === 'week' ? 'last 7 days' : `${month.format(dayDate(from))} to date`;
}
