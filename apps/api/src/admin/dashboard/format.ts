/** Number and time formatting for the dashboard; plain functions so node tests and browsers share them. */

/** 1234 -> "1,234"; 12.34 -> "12.3". */
export function formatNumber(value: number, digits = 1): string {
  const rounded =
    Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10 ** digits) / 10 ** digits;
  return rounded.toLocaleString('en-US');
}

/** Seconds as "0.4 s", "42 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) {
    const minutes = Math.floor(seconds / 60);
    const rest = Math.round(seconds % 60);
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.round((seconds % 3_600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time of an epoch ms, "14:05:30". */
export function formatClock(ms: number, withSeconds = true): string {
  const date = new Date(ms);
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(date.getSeconds())}` : hm;
}
