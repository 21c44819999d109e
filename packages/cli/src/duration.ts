const UNIT_SECONDS: Readonly<Record<string, number>> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };

/** Postgres `integer`, where durations such as a re-embedding's keep are stored. */
export const MAX_DURATION_SECONDS = 2_147_483_647;

/**
 * Seconds in `text`: plain seconds (`3600`) or whole numbers with units w, d, h, m, s, largest
 * first (`30m`, `24h`, `7d`, `1h30m`, as formatDuration writes them). Undefined when malformed or
 * beyond MAX_DURATION_SECONDS.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const parts = [...trimmed.matchAll(/(\d+)([wdhms])/g)];
    // The parts must cover the whole text, each unit once and in order (1h30m, not 30m1h).
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
    const units = parts.map((p) => Object.keys(UNIT_SECONDS).indexOf(p[2] ?? ''));
    if (units.some((u, i) => i > 0 && u <= (units[i - 1] ?? -1))) return undefined;
    seconds = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? ''] ?? 0), 0);
  }
  return Number.isSafeInteger(seconds) && seconds <= MAX_DURATION_SECONDS ? seconds : undefined;
}

/** `45s`, `12m05s`, `3h`, `2d04h`: the two largest units, the second left out when 0 (an ETA, a keep). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const [major, unit, minor, minorUnit] =
    s < 3_600
      ? [Math.floor(s / 60), 'm', s % 60, 's']
      : s < 86_400
        ? [Math.floor(s / 3_600), 'h', Math.floor((s % 3_600) / 60), 'm']
        : [Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3_600), 'h'];
  return minor === 0 ? `${major}${unit}` : `${major}${unit}${String(minor).padStart(2, '0')}${minorUnit}`;
}
