import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ExpectNone, FieldList, OptionalKeys, RequiredKeys, UnlistedKeys } from './field-list.js';
import * as client from './index.js';

interface FieldNames {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

interface Sample {
  readonly id: string;
  readonly note: string | null;
  readonly tag?: string | undefined;
}

describe('field lists', () => {
  it('split an interface into its required and optional keys', () => {
    expectTypeOf<RequiredKeys<Sample>>().toEqualTypeOf<'id' | 'note'>();
    expectTypeOf<OptionalKeys<Sample>>().toEqualTypeOf<'tag'>();
  });

  it('do not compile when they miss a key, name one it lacks, or put one on the wrong side', () => {
    const complete = { required: ['id', 'note'], optional: ['tag'] } as const satisfies FieldList<Sample>;
    const missing = { required: ['id'], optional: ['tag'] } as const satisfies FieldList<Sample>;
    expectTypeOf<UnlistedKeys<Sample, typeof complete>>().toBeNever();
    expectTypeOf<UnlistedKeys<Sample, typeof missing>>().toEqualTypeOf<'note'>();
    // @ts-expect-error: 'note' is not listed
    type _Missing = ExpectNone<UnlistedKeys<Sample, typeof missing>>;
    // @ts-expect-error: Sample has no 'name'
    ({ required: ['id', 'note', 'name'], optional: ['tag'] }) as const satisfies FieldList<Sample>;
    // @ts-expect-error: 'tag' is optional
    ({ required: ['id', 'note', 'tag'], optional: [] }) as const satisfies FieldList<Sample>;
  });

  // The compiler checks each list against its interface; what it cannot see is a name twice.
  const lists = Object.entries(client).flatMap(([name, value]) =>
    name.endsWith('_FIELDS') ? [[name, value as FieldNames] as const] : [],
  );

  it('are exported for every request and answer the client types', () => {
    expect(lists.map(([name]) => name).sort()).toEqual([
      'BATCH_ACCEPTED_FIELDS',
      'BATCH_EVENT_DATA_FIELDS',
      'BATCH_FAILURE_REASON_FIELDS',
      'BATCH_PROGRESS_FIELDS',
      'CHUNKING_OPTIONS_FIELDS',
      'CHUNK_INPUT_FIELDS',
      'CREATE_WEBHOOK_REQUEST_FIELDS',
      'DOCUMENT_ACCEPTED_FIELDS',
      'DOCUMENT_CHUNK_FIELDS',
      'DOCUMENT_DELETED_EVENT_DATA_FIELDS',
      'DOCUMENT_DELETED_FIELDS',
      'DOCUMENT_DELETE_QUERY_FIELDS',
      'DOCUMENT_PAGE_FIELDS',
      'DOCUMENT_PAGE_QUERY_FIELDS',
      'EMBEDDINGS_REQUEST_FIELDS',
      'EMBEDDINGS_RESPONSE_FIELDS',
      'EMBEDDINGS_USAGE_FIELDS',
      'EMBEDDING_FIELDS',
      'LATENCY_HISTOGRAM_FIELDS',
      'LATENCY_PERCENTILES_FIELDS',
      'LIST_DELIVERIES_QUERY_FIELDS',
      'LIST_WEBHOOKS_QUERY_FIELDS',
      'SEARCH_FUSION_FIELDS',
      'SEARCH_HIT_FIELDS',
      'SEARCH_REQUEST_FIELDS',
      'SEARCH_RESPONSE_FIELDS',
      'SUBMIT_BATCH_REQUEST_FIELDS',
      'SUBMIT_DOCUMENT_REQUEST_FIELDS',
      'WEBHOOK_CREATED_FIELDS',
      'WEBHOOK_DELIVERY_ATTEMPT_FIELDS',
      'WEBHOOK_DELIVERY_FIELDS',
      'WEBHOOK_DELIVERY_LIST_FIELDS',
      'WEBHOOK_EVENT_FIELDS',
      'WEBHOOK_FIELDS',
      'WEBHOOK_LIST_FIELDS',
    ]);
  });

  it.each(lists)('%s names each field once', (_name, list) => {
    const all = [...list.required, ...list.optional];
    expect(new Set(all).size).toBe(all.length);
  });
});
