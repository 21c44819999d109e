import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ENGINE_SETTINGS, type EngineSetting, type Precision } from '@embedq/embedder';
import { UsageError } from './usage-error.js';

export const PRECISIONS: readonly Precision[] = ['fp32', 'int8'];

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gives: a string or a boolean per option, if given; an array of them for `multiple`. */
export type OptionValues<T extends Options> = {
  [K in keyof T]?: T[K] extends { multiple: true }
    ? T[K]['type'] extends 'boolean'
      ? boolean[]
      : string[]
    : T[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

export interface ParsedCommandArgs<T extends Options> {
  readonly values: OptionValues<T>;
  readonly positionals: string[];
}

/**
 * `node:util` parseArgs (strict, positionals allowed, `--` ends options) that reports its own
 * errors as UsageError so the CLI exits with code 2.
 */
export function parseCommandArgs<const T extends Options>(
  command: string,
  args: readonly string[],
  options: T,
): ParsedCommandArgs<T> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues<T>, positionals };
  } catch (error) {
    if (isParseArgsError(error))
      throw new UsageError(`${command}: ${error.message}`, { command, cause: error });
    throw error;
  }
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** A whole number >= min (default 1), written in plain digits; `_` and `,` group digits (10_000). */
export function parseCount(command: string, flag: string, value: string, min = 1): number {
  const digits = value.replace(/[_,]/g, '');
  const n = /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${command}: --${flag} must be a whole number >= ${min}, got '${value}'`, {
      command,
    });
  }
  return n;
}

/** A whole number in min..max (both included), plain digits; `_` and `,` group digits. */
export function parseWholeInRange(
  command: string,
  flag: string,
  value: string,
  min: number,
  max: number,
): number {
  const digits = value.replace(/[_,]/g, '');
  const n = /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${command}: --${flag} must be a whole number ${min}..${max}, got '${value}'`, {
      command,
    });
  }
  return n;
}

/** A plain decimal number (`0.8`, `1`) in min..max, both included. */
export function parseDecimalInRange(
  command: string,
  flag: string,
  value: string,
  min: number,
  max: number,
): number {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${command}: --${flag} must be a number ${min}..${max}, got '${value}'`, {
      command,
    });
  }
  return n;
}

export function parsePrecision(command: string, value: string): Precision {
  const found = PRECISIONS.find((p) => p === value);
  if (found === undefined) {
    throw new UsageError(`${command}: --precision must be one of ${PRECISIONS.join(', ')}, got '${value}'`, {
      command,
    });
  }
  return found;
}

/** The engine a bench asks the embedder for (`--engine`, and `--inference` of its runs). */
export function parseEngineSetting(
  command: string,
  flag: string,
  value: string | undefined,
): EngineSetting | undefined {
  if (value === undefined) return undefined;
  const found = ENGINE_SETTINGS.find((e) => e === value);
  if (found === undefined) {
    throw new UsageError(`${command}: --${flag} must be auto, native or onnxruntime, got '${value}'`, {
      command,
    });
  }
  return found;
}

/** Returns `{ [key]: value }` or `{}`: builds option objects under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
