/** Percentile by nearest rank over an unsorted sample (copied, not mutated). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Progress on one line, so a long run shows it is alive without flooding the terminal. */
export function progress(label: string, done: number, total: number): void {
  if (!process.stdout.isTTY) return;
  const width = 24;
  const filled = Math.round((done / total) * width);
  process.stdout.write(`\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stdout.write('\n');
}
