/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must
 * be a HELP or TYPE comment or a well-formed sample of a family whose TYPE came first, and
 * histograms must be cumulative with `+Inf` equal to `_count`. Throws on anything else.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const help = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1} '${line}'`;
    if (line.trim() === '') return;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment !== null) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name in ${where}`);
      if (kind === 'HELP') help.set(name, rest);
      else {
        if (!TYPES.has(rest)) throw new Error(`unknown type in ${where}`);
        if (families.has(name)) throw new Error(`second TYPE for ${name} in ${where}`);
        families.set(name, { name, type: rest, help: help.get(name) ?? '', samples: [] });
      }
      return;
    }
    if (line.startsWith('#')) return;
    const sample = parseSample(line, where);
    const family = familyOf(families, sample.name);
    if (family === undefined) throw new Error(`sample without a TYPE in ${where}`);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
  if (match === null) throw new Error(`malformed sample ${where}`);
  const [, name, , rawLabels, rawValue] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const labels: Record<string, string> = {};
  let rest = rawLabels ?? '';
  while (rest.length > 0) {
    const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (label === null) throw new Error(`malformed labels in ${where}`);
    labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(label[0].length);
  }
  const value = parseSampleValue(rawValue);
  if (value === undefined) throw new Error(`bad value in ${where}`);
  return { name, labels, value };
}

function familyOf(families: Map<string, MetricFamily>, sampleName: string): MetricFamily | undefined {
  const direct = families.get(sampleName);
  if (direct !== undefined) return direct;
  const base = sampleName.replace(/_(bucket|sum|count)$/, '');
  const family = families.get(base);
  return family?.type === 'histogram' || family?.type === 'summary' ? family : undefined;
}

function checkHistogram(family: MetricFamily): void {
  const key = (labels: Readonly<Record<string, string>>) =>
    JSON.stringify(Object.entries(labels).filter(([name]) => name !== 'le'));
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const entry = series.get(key(sample.labels)) ?? { buckets: [] };
    series.set(key(sample.labels), entry);
    if (sample.name.endsWith('_bucket')) {
      const le = sample.labels.le;
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const { buckets, count } of series.values()) {
    const last = buckets.at(-1);
    if (last === undefined || last[0] !== Infinity) throw new Error(`${family.name}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]![0] <= buckets[i - 1]![0] || buckets[i]![1] < buckets[i - 1]![1]) {
        throw new Error(`${family.name}: buckets are not cumulative`);
      }
    }
    if (count !== last[1]) throw new Error(`${family.name}: _count ${count} differs from +Inf ${last[1]}`);
  }
}

/** The value of the one sample named `name` whose labels include `labels`. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const family = familyOf(families, name);
  const matches = family?.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matches === undefined || matches.length === 0) return undefined;
  if (matches.length > 1)
    throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]!.value;
}

/**
 * A sample value as Prometheus reads it (Go's strconv.ParseFloat): NaN and infinities in any case,
 * so prom-client's "Nan" (an event-loop lag with no samples yet) is a value, as it is to Prometheus.
 */
function parseSampleValue(raw: string): number | undefined {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(raw);
  if (special !== null) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] === '' ? Number.NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const value = Number(raw);
  return raw.trim() === '' || Number.isNaN(value) ? undefined : value;
}
