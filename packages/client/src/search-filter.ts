/**
 * A search filter, Mongo-like: an object is the AND of its entries; an entry is `field: value`
 * (equals), `field: { $op: value }`, or `$and` / `$or` with a list of filters. Fields are metadata
 * keys (dots reach nested objects: `source.lab`) or the chunk's own documentId, chunkIndex, start,
 * end and headingPath (`metadata.<key>` reaches a metadata key of the same name).
 */
export interface SearchFilter {
  readonly $and?: readonly SearchFilter[] | undefined;
  readonly $or?: readonly SearchFilter[] | undefined;
  readonly [field: string]: FilterScalar | FieldOperators | readonly SearchFilter[] | undefined;
}

export type FilterScalar = string | number | boolean | null;

export interface FieldOperators {
  readonly $eq?: FilterScalar | undefined;
  readonly $ne?: FilterScalar | undefined;
  readonly $in?: readonly FilterScalar[] | undefined;
  readonly $nin?: readonly FilterScalar[] | undefined;
  readonly $gt?: number | string | undefined;
  readonly $gte?: number | string | undefined;
  readonly $lt?: number | string | undefined;
  readonly $lte?: number | string | undefined;
  readonly $exists?: boolean | undefined;
}
