/**
 * The y axis of a dashboard chart: evenly spaced "nice" ticks from 0 and a label for each that
 * is distinct from its neighbours at every scale. Labels carry as many decimals as the step
 * needs (0.025 s was "0 s" when rounded to one decimal), and durations pick the unit they read
 * best in (25 ms rather than 0.025 s).
 */
export interface AxisTick {
  /** In the chart's own units (seconds for a duration axis). */
  readonly value: number;
  readonly label: string;
}

export interface YAxis {
  /** The top of the axis: the last tick's value. */
  readonly max: number;
  readonly ticks: readonly AxisTick[];
}

/** Steps from 0 to the top of the axis. */
export const TICK_STEPS = 4;
/** Room above the highest point, so a line never runs along the top edge. */
const HEADROOM = 1.05;

/** A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) so that four steps reach `top`. */
export function niceStep(top: number): number {
  if (!(top > 0)) return 1;
  const raw = top / TICK_STEPS;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5]) if (step * power >= raw) return step * power;
  return 10 * power;
}

/** Plain numbers with a suffix ("/s", " MB"): 0.025/s, 950/s, 1.25k/s, 3M/s. */
export function numberAxis(top: number, suffix = ''): YAxis {
  const step = niceStep(top * HEADROOM);
  return axis(step, (value) => `${compact(value, step)}${suffix}`);
}

/** Duration units, smallest first, and the padded top below which the next one takes over. */
const DURATION_UNITS = [
  { name: 'ms', seconds: 0.001, below: 1 },
  { name: 's', seconds: 1, below: 180 },
  { name: 'min', seconds: 60, below: 7_200 },
  { name: 'h', seconds: 3_600, below: Number.POSITIVE_INFINITY },
] as const;

/**
 * Seconds, labelled in ms, s, min or h, whichever the top of the axis reads best in; the step is
 * nice in that unit (2.5 min, not 150 s). An empty chart reads in seconds.
 */
export function secondsAxis(top: number): YAxis {
  const padded = top * HEADROOM;
  const unit =
    padded > 0 ? (DURATION_UNITS.find((u) => padded < u.below) ?? DURATION_UNITS[1]) : DURATION_UNITS[1];
  const step = niceStep(padded / unit.seconds);
  const ticks = axis(step, (value) => `${fixed(value, step)} ${unit.name}`);
  return {
    max: ticks.max * unit.seconds,
    ticks: ticks.ticks.map((tick) => ({ value: tick.value * unit.seconds, label: tick.label })),
  };
}

function axis(step: number, label: (value: number) => string): YAxis {
  const ticks: AxisTick[] = [];
  for (let i = 0; i <= TICK_STEPS; i++) ticks.push({ value: step * i, label: label(step * i) });
  return { max: step * TICK_STEPS, ticks };
}

/** 950, 1.25k, 3M: thousands and millions shortened, with the decimals the step needs there. */
function compact(value: number, step: number): string {
  const scale = Math.abs(value) >= 1e6 ? 1e6 : Math.abs(value) >= 1e3 ? 1e3 : 1;
  const suffix = scale === 1e6 ? 'M' : scale === 1e3 ? 'k' : '';
  return `${fixed(value / scale, step / scale)}${suffix}`;
}

/**
 * `value` with enough decimals to tell multiples of `step` apart, trailing zeros dropped: every
 * tick is an exact multiple of the step, so two ticks never print the same.
 */
function fixed(value: number, step: number): string {
  const text = value.toFixed(decimalsOf(step));
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Decimals that write `step` exactly (0.025 -> 3), ignoring floating-point dust. */
function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 12; decimals++) {
    const shifted = step * 10 ** decimals;
    if (Math.abs(shifted - Math.round(shifted)) < 1e-6) return decimals;
  }
  return 12;
}
