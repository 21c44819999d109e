/**
 * Search filters: a JSON tree over a chunk's metadata and its fixed fields, compiled into a
 * parameterised SQL condition. Keys and values only ever travel as parameters: a key holding SQL
 * or JSONPath text is a key like any other.
 *
 * Grammar (Mongo-like): an object is the AND of its entries; an entry is `field: value` (equals),
 * `field: { $op: value, ... }`, `$and: [filter, ...]` or `$or: [filter, ...]`. Operators: $eq,
 * $ne, $in, $nin (scalars), $gt, $gte, $lt, $lte (a number or a string), $exists (a boolean).
 * Fields: documentId, chunkIndex, start, end and headingPath are the chunk's own (use
 * `metadata.<key>` for a metadata key of the same name); any other field is a metadata key, and
 * dots reach into nested objects (`source.lab`).
 */

/** A filter the compiler refuses; `path` names the offending place (`filter.year.$gt`). */
export class SearchFilterError extends Error {
  override readonly name = 'SearchFilterError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export const SEARCH_FILTER_LIMITS = {
  /** Values of one $in or $nin. */
  maxInValues: 1_000,
  /** Nested $and/$or and operator objects. */
  maxDepth: 8,
  /** The filter as JSON, in UTF-8 bytes. */
  maxBytes: 16_384,
  /** Characters in one key. */
  maxKeyLength: 256,
} as const;

export interface CompiledFilter {
  /** A boolean SQL expression over the chunk row aliased `c`, with placeholders from `$first`. */
  readonly sql: string;
  readonly params: readonly unknown[];
}

type Scalar = string | number | boolean | null;
type Comparison = '$eq' | '$ne' | '$in' | '$nin' | '$gt' | '$gte' | '$lt' | '$lte' | '$exists';
const OPERATORS = new Set<string>(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists']);
const RANGE_SQL = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

/** The chunk's own fields and their columns. */
const FIXED_FIELDS = {
  documentId: { column: 'c.document_id', type: 'text' },
  chunkIndex: { column: 'c.chunk_index', type: 'integer' },
  start: { column: 'c.start_offset', type: 'integer' },
  end: { column: 'c.end_offset', type: 'integer' },
  headingPath: { column: 'c.heading_path', type: 'text[]' },
} as const;
type FixedField = (typeof FIXED_FIELDS)[keyof typeof FIXED_FIELDS];

/**
 * Compiles a filter into SQL whose placeholders start at `$first`. Throws a SearchFilterError for
 * any filter outside the grammar or the limits.
 */
export function compileSearchFilter(filter: unknown, first: number): CompiledFilter {
  const bytes = Buffer.byteLength(JSON.stringify(filter) ?? '', 'utf8');
  if (bytes > SEARCH_FILTER_LIMITS.maxBytes) {
    throw new SearchFilterError(
      'filter',
      `is ${bytes} bytes as JSON; the limit is ${SEARCH_FILTER_LIMITS.maxBytes}`,
    );
  }
  const params: unknown[] = [];
  const param = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${first + params.length - 1}::${cast}`;
  };
  const sql = new FilterCompiler(param).object(filter, 'filter', 1);
  return { sql, params };
}

/** Throws the SearchFilterError `compileSearchFilter` would, before any work that needs the filter. */
export function validateSearchFilter(filter: unknown): void {
  compileSearchFilter(filter, 1);
}

class FilterCompiler {
  constructor(private readonly param: (value: unknown, cast: string) => string) {}

  object(filter: unknown, path: string, depth: number): string {
    checkDepth(depth, path);
    if (!isPlainObject(filter)) throw new SearchFilterError(path, 'must be an object');
    const parts = Object.entries(filter).map(([key, value]) => {
      const at = `${path}.${key}`;
      if (key === '$and' || key === '$or') return this.logical(key, value, at, depth);
      if (key.startsWith('$'))
        throw new SearchFilterError(at, `unknown operator ${key} (a field cannot start with $)`);
      this.checkKey(key, at);
      return this.field(key, value, at, depth);
    });
    return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
  }

  private logical(key: '$and' | '$or', value: unknown, path: string, depth: number): string {
    if (!Array.isArray(value) || value.length === 0) {
      throw new SearchFilterError(path, 'must be a non-empty array of filters');
    }
    const parts = value.map((item, i) => this.object(item, `${path}.${i}`, depth + 1));
    return `(${parts.join(key === '$and' ? ' AND ' : ' OR ')})`;
  }

  private checkKey(key: string, path: string): void {
    if (key.length === 0 || key.length > SEARCH_FILTER_LIMITS.maxKeyLength) {
      throw new SearchFilterError(
        path,
        `a key must have 1 to ${SEARCH_FILTER_LIMITS.maxKeyLength} characters`,
      );
    }
    if (unstorable(key)) {
      throw new SearchFilterError(path, 'a key must not contain a NUL character or a lone surrogate');
    }
  }

  private field(key: string, value: unknown, path: string, depth: number): string {
    // `{ $op: operand, ... }`, or a plain value meaning $eq.
    const withOperators = isPlainObject(value);
    const conditions = withOperators ? Object.entries(value) : [['$eq', value] as const];
    if (withOperators) {
      checkDepth(depth + 1, path);
      if (conditions.length === 0) throw new SearchFilterError(path, 'must hold at least one operator');
    }
    const fixed = Object.hasOwn(FIXED_FIELDS, key)
      ? FIXED_FIELDS[key as keyof typeof FIXED_FIELDS]
      : undefined;
    const metadataPath = (key.startsWith('metadata.') ? key.slice('metadata.'.length) : key).split('.');
    if (fixed === undefined && metadataPath.some((part) => part.length === 0)) {
      throw new SearchFilterError(path, 'a metadata path must not have empty parts');
    }
    const parts = conditions.map(([operator, operand]) => {
      const at = withOperators ? `${path}.${operator}` : path;
      if (!OPERATORS.has(operator)) throw new SearchFilterError(at, `unknown operator ${operator}`);
      const op = operator as Comparison;
      return fixed === undefined
        ? this.metadataCondition(metadataPath, op, operand, at)
        : this.fixedCondition(fixed, op, operand, at);
    });
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' AND ')})`;
  }

  /** A condition on `c.metadata` at `path`; equality as jsonb containment, which the GIN index serves. */
  private metadataCondition(path: readonly string[], op: Comparison, operand: unknown, at: string): string {
    const contains = (value: Scalar) =>
      `c.metadata @> ${this.param(JSON.stringify(nest(path, value)), 'jsonb')}`;
    const value = () => `c.metadata #> ${this.param(path, 'text[]')}`;
    switch (op) {
      case '$eq':
        return contains(scalar(operand, at));
      case '$ne':
        return `NOT ${contains(scalar(operand, at))}`;
      case '$in':
        return `(${scalars(operand, at).map(contains).join(' OR ')})`;
      case '$nin':
        return `NOT (${scalars(operand, at).map(contains).join(' OR ')})`;
      case '$exists':
        return `(${value()}) IS ${bool(operand, at) ? 'NOT ' : ''}NULL`;
      default: {
        const bound = orderable(operand, at);
        const v = value();
        return typeof bound === 'number'
          ? `(jsonb_typeof(${v}) = 'number' AND (${v})::numeric ${RANGE_SQL[op]} ${this.param(bound, 'numeric')})`
          : `(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') COLLATE "C" ${RANGE_SQL[op]} ${this.param(bound, 'text')})`;
      }
    }
  }

  private fixedCondition(field: FixedField, op: Comparison, operand: unknown, at: string): string {
    const { column, type } = field;
    if (op === '$exists') return `${column} IS ${bool(operand, at) ? 'NOT ' : ''}NULL`;
    if (type === 'text[]') {
      switch (op) {
        case '$eq':
          return `${column} = ${this.param(strings(operand, at), 'text[]')}`;
        case '$ne':
          return `${column} IS DISTINCT FROM ${this.param(strings(operand, at), 'text[]')}`;
        // Under any (or none) of these headings, at any level.
        case '$in':
          return `coalesce(${column} && ${this.param(strings(operand, at), 'text[]')}, false)`;
        case '$nin':
          return `NOT coalesce(${column} && ${this.param(strings(operand, at), 'text[]')}, false)`;
        default:
          throw new SearchFilterError(at, `${op} does not apply to headingPath (an array of titles)`);
      }
    }
    const typed = (operand: unknown): string | number =>
      type === 'integer' ? integer(operand, at) : text(operand, at);
    const collate = type === 'text' ? ' COLLATE "C"' : '';
    switch (op) {
      case '$eq':
        return `${column} = ${this.param(typed(operand), type)}`;
      case '$ne':
        return `${column} IS DISTINCT FROM ${this.param(typed(operand), type)}`;
      case '$in':
        return `${column} = ANY(${this.param(list(operand, at).map(typed), `${type}[]`)})`;
      case '$nin':
        return `NOT coalesce(${column} = ANY(${this.param(list(operand, at).map(typed), `${type}[]`)}), false)`;
      default:
        return `${column}${collate} ${RANGE_SQL[op]} ${this.param(typed(operand), type)}`;
    }
  }
}

function checkDepth(depth: number, path: string): void {
  if (depth > SEARCH_FILTER_LIMITS.maxDepth) {
    throw new SearchFilterError(path, `nests deeper than ${SEARCH_FILTER_LIMITS.maxDepth} levels`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nest(path: readonly string[], value: Scalar): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Postgres text cannot hold NUL, and a lone surrogate cannot be stored as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (value: string): boolean => value.includes('\u0000') || LONE_SURROGATE.test(value);

function scalar(value: unknown, at: string): Scalar {
  if (typeof value === 'string') return text(value, at);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new SearchFilterError(at, 'must be a string, a finite number, a boolean or null');
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new SearchFilterError(at, 'must be a non-empty array');
  if (value.length > SEARCH_FILTER_LIMITS.maxInValues) {
    throw new SearchFilterError(at, `has more than ${SEARCH_FILTER_LIMITS.maxInValues} values`);
  }
  return value;
}

function scalars(value: unknown, at: string): Scalar[] {
  return list(value, at).map((item, i) => scalar(item, `${at}.${i}`));
}

function orderable(value: unknown, at: string): number | string {
  if (typeof value === 'string') return text(value, at);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new SearchFilterError(at, 'must be a finite number or a string');
}

function bool(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw new SearchFilterError(at, 'must be true or false');
  return value;
}

function integer(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new SearchFilterError(at, 'must be an integer');
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string') throw new SearchFilterError(at, 'must be a string');
  if (unstorable(value))
    throw new SearchFilterError(at, 'must not contain a NUL character or a lone surrogate');
  return value;
}

function strings(value: unknown, at: string): string[] {
  if (!Array.isArray(value)) throw new SearchFilterError(at, 'must be an array of strings');
  if (value.length > SEARCH_FILTER_LIMITS.maxInValues) {
    throw new SearchFilterError(at, `has more than ${SEARCH_FILTER_LIMITS.maxInValues} values`);
  }
  return value.map((item, i) => text(item, `${at}.${i}`));
}
