/** A progress line with rate and ETA for work counted in items, e.g. `12/300 · 40/s · ETA 7s`. */
export function formatProgress(label: string, done: number | undefined, total: number | undefined, startedMs: number, nowMs: number): string {
  if (done === undefined || total === undefined || total === 0) return label;
  const seconds = Math.max(0.001, (nowMs - startedMs) / 1000);
  const rate = done / seconds;
  const eta = rate > 0 && done < total ? ` · ETA ${formatSeconds((total - done) / rate)}` : '';
  return `${label} ${done.toLocaleString('en')}/${total.toLocaleString('en')} · ${Math.round(rate).toLocaleString('en')}/s${eta}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
