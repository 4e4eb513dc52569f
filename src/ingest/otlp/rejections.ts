// Points or records skipped as unusable, answered as OTLP partial success (the client must not retry).
export class Rejections {
  /** Claude Code points or records read (the rest of the export is not ours) */
  seen = 0;
  count = 0;
  /** of which: older than RETENTION_DAYS */
  tooOld = 0;
  private readonly reasons = new Map<string, number>();

  add(n: number, reason: string): void {
    if (n <= 0) return;
    this.count += n;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n);
  }

  /** a point or record older than RETENTION_DAYS: not counted (it may replay one already deleted) */
  addTooOld(n: number, retentionDays: number): void {
    this.add(n, `older than RETENTION_DAYS (${retentionDays} days): not counted`);
    this.tooOld += n;
  }

  /** e.g. "3 skipped: claude_code.cost.usage is not a sum (only sums are read) (2); …" */
  message(): string {
    const parts = [...this.reasons].slice(0, 5).map(([r, n]) => `${r} (${n})`);
    const more = this.reasons.size > 5 ? `; and ${this.reasons.size - 5} more reasons` : '';
    return `${this.count} skipped: ${parts.join('; ')}${more}`;
  }
}
