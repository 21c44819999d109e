import { Histogram, type Registry } from 'prom-client';

type Exported = Awaited<ReturnType<Histogram<'le'>['get']>>;

/**
 * A Prometheus histogram whose buckets are the fleet's, kept in Redis and summed over every
 * worker (see packages/queue/src/metrics), rather than observations made in this process. Each
 * scrape sets the counts it read; the registry renders them as any histogram.
 */
export class FleetHistogram extends Histogram<'le'> {
  readonly #name: string;
  readonly #help: string;
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
    this.#help = options.help;
    this.#bounds = options.bounds;
  }

  /** Per-bucket (not cumulative) counts, the last one above the last bound; sum in base units. */
  setCounts(counts: readonly number[], sum: number): void {
    this.#counts = counts;
    this.#sum = sum;
  }

  override async get(): Promise<Exported> {
    return this.#export();
  }

  /**
   * The registry renders text through this method when a metric has it (prom-client's own
   * histogram does; its type declarations omit it), so it must answer with the fleet's counts too.
   */
  async getForPromString(): Promise<Exported> {
    return this.#export();
  }

  #export(): Exported {
    let cumulative = 0;
    const bucket = (le: number | string, count: number) => {
      cumulative += count;
      return { metricName: `${this.#name}_bucket`, labels: { le }, value: cumulative };
    };
    const values = this.#bounds.map((bound, i) => bucket(bound, this.#counts[i] ?? 0));
    values.push(bucket('+Inf', this.#counts[this.#bounds.length] ?? 0));
    return {
      name: this.#name,
      help: this.#help,
      // prom-client's declarations type this as a numeric enum; at run time it is the string.
      type: 'histogram' as unknown as Exported['type'],
      aggregator: 'sum',
      collect: () => undefined,
      values: [
        ...values,
        { metricName: `${this.#name}_sum`, labels: {}, value: this.#sum },
        { metricName: `${this.#name}_count`, labels: {}, value: cumulative },
      ],
    };
  }
}
