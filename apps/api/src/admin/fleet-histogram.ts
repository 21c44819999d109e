import { Histogram, type Registry } from 'prom-client';

/**
 * A Prometheus histogram whose buckets are the fleet's, kept in Redis and summed over every
 * worker (see packages/queue/src/metrics), rather than observations made in this process. Each
 * scrape sets the counts it read; prom-client formats them as any histogram.
 */
export class FleetHistogram extends Histogram<'le'> {
  readonly #name: string;
  readonly #bounds: readonly number[];
  #counts: readonly number[] = [];
  #sum = 0;

  constructor(options: { name: string; help: string; bounds: readonly number[]; registry: Registry }) {
    super({
      name: options.name,
      help: options.help,
      buckets: [...options.bounds],
      registers: [options.registry],
    });
    this.#name = options.name;
    this.#bounds = options.bounds;
  }

  /** Per-bucket (not cumulative) counts, the last one above the last bound; sum in base units. */
  setCounts(counts: readonly number[], sum: number): void {
    this.#counts = counts;
    this.#sum = sum;
  }

  override async get() {
    const base = await super.get();
    let cumulative = 0;
    const values: { metricName: string; labels: { le?: number | string }; value: number }[] =
      this.#bounds.map((bound, i) => {
        cumulative += this.#counts[i] ?? 0;
        return { metricName: `${this.#name}_bucket`, labels: { le: bound }, value: cumulative };
      });
    cumulative += this.#counts[this.#bounds.length] ?? 0;
    values.push({ metricName: `${this.#name}_bucket`, labels: { le: '+Inf' }, value: cumulative });
    return {
      ...base,
      values: [
        ...values,
        { metricName: `${this.#name}_sum`, labels: {}, value: this.#sum },
        { metricName: `${this.#name}_count`, labels: {}, value: cumulative },
      ],
    };
  }
}
