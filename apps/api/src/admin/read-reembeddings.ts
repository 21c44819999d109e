import { listReembeddings, type Queryable, type Reembedding } from '@embedq/store';

export interface ReembeddingsReading {
  /** As listReembeddings answers them; empty when they could not be read. */
  readonly list: readonly Reembedding[];
  /** Why they could not be read, if so. */
  readonly error: string | null;
}

/**
 * The re-embeddings for the dashboard and /metrics, or why they could not be read: they are a
 * side panel and a few series, so a failure of their own (a query or schema problem) is reported
 * with them instead of failing the whole snapshot or scrape.
 */
export async function readReembeddings(db: Queryable): Promise<ReembeddingsReading> {
  try {
    return { list: await listReembeddings(db), error: null };
  } catch (error) {
    return { list: [], error: error instanceof Error ? error.message : String(error) };
  }
}
