import { ConfigError } from './config-error.js';

/** The environment as a process sees it; tests pass a plain object. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads variables one by one and collects every problem, so a misconfigured process reports
 * all of them at once instead of one per restart.
 */
export class EnvReader {
  readonly #env: Env;
  readonly #problems: string[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** The trimmed value, or undefined when the variable is unset or blank. */
  #raw(name: string): string | undefined {
    const value = this.#env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.#raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.#raw(name);
  }

  integer(name: string, fallback: number, range: { min: number; max?: number }): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > max) {
      const bounds = range.max === undefined ? `>= ${range.min}` : `${range.min}..${range.max}`;
      this.#problems.push(`${name} must be an integer ${bounds}, got '${raw}'`);
      return fallback;
    }
    return value;
  }

  optionalInteger(name: string, range: { min: number; max?: number }): number | undefined {
    if (this.#raw(name) === undefined) return undefined;
    return this.integer(name, range.min, range);
  }

  /** A plain decimal number (`0.8`, `12`) within the range, both ends included. */
  decimal(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < range.min || value > range.max) {
      this.#problems.push(`${name} must be a number ${range.min}..${range.max}, got '${raw}'`);
      return fallback;
    }
    return value;
  }

  /** Comma-separated non-negative numbers (decimals allowed), at least one. */
  numberList(name: string, fallback: readonly number[], range: { max: number }): readonly number[] {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const values = raw.split(',').map((part) => part.trim());
    const numbers = values.map(Number);
    if (values.some((v) => !/^\d+(\.\d+)?$/.test(v)) || numbers.some((n) => n > range.max)) {
      this.#problems.push(`${name} must be comma-separated numbers 0..${range.max}, got '${raw}'`);
      return fallback;
    }
    return numbers;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.#raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.#problems.push(`${name} must be true or false, got '${raw}'`);
    return fallback;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    this.#problems.push(`${name} must be one of ${choices.join(', ')}, got '${raw}'`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const raw = this.#raw(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      this.#problems.push(`${name} is not a URL`);
      return fallback;
    }
    if (!protocols.includes(parsed.protocol)) {
      this.#problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return raw;
  }

  problem(message: string): void {
    this.#problems.push(message);
  }

  /** Throws a ConfigError naming every problem found so far. */
  done(): void {
    if (this.#problems.length > 0) throw new ConfigError(this.#problems);
  }
}
