/**
 * Field lists: the names of a request's or an answer's fields, as values a test can compare with
 * the server's /openapi.json. The compiler holds each list to its interface both ways: `satisfies
 * FieldList<T>` refuses a name T does not have (or one listed on the wrong side), and
 * `ExpectNone<UnlistedKeys<T, typeof LIST>>` refuses a key of T the list leaves out.
 */

/** Keys of T that must be present. */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** Keys of T that may be left out. */
export type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

export interface FieldList<T> {
  readonly required: readonly RequiredKeys<T>[];
  readonly optional: readonly OptionalKeys<T>[];
}

/** The keys of T that `List` does not name on their side: `never` when it names them all. */
export type UnlistedKeys<T, List extends FieldList<T>> =
  | Exclude<RequiredKeys<T>, List['required'][number]>
  | Exclude<OptionalKeys<T>, List['optional'][number]>;

/** Compiles only for `never`; the error names the keys that are not. */
export type ExpectNone<Keys extends never> = Keys;

/** Every value of a string union, as a list: `satisfies` checks the list, ExpectNone the rest. */
export type UnlistedValues<Union extends string, List extends readonly Union[]> = Exclude<
  Union,
  List[number]
>;
