import { performance } from 'node:perf_hooks';
import {
  generateSeedQueries,
  identifierQueries,
  type LabelledQuery,
  paraphraseQueries,
  SELECTIVITY_FILTERS,
} from '@embedq/workload';
import { percentile } from '../bench/percentiles.js';
import type { ApiClient, SearchRequestBody } from '../load/api-client.js';
import { hitKey, keyOfChunk } from './eval-set-layout.js';
import { mean, recallAt, recallByScore, reciprocalRank } from './rank-metrics.js';

export const EVAL_K = 10;
const MODES = ['vector', 'keyword', 'hybrid', 'exact'] as const;
export type EvalMode = (typeof MODES)[number];

export interface EvalSearchOptions {
  readonly namespace: string;
  readonly chunks: number;
  readonly identifiers: number;
  readonly paraphrases: number;
  /** Seed queries per filter selectivity, each searched through the index and exactly. */
  readonly queries: number;
  readonly progress: (line: string) => void;
}

export interface Latency {
  readonly p50: number;
  readonly p95: number;
}

/** One query set under one mode: how often and how high its right answers rank. */
export interface LabelledRow {
  readonly set: 'identifier' | 'paraphrase';
  readonly mode: EvalMode;
  readonly queries: number;
  readonly top1: number;
  readonly recallAt10: number;
  readonly mrrAt10: number;
  readonly ms: Latency;
}

/** Vector search through the index against exact search, under filters of one selectivity. */
export interface SelectivityRow {
  readonly selectivity: number;
  readonly queries: number;
  /** Queries that got k hits, of those where at least k chunks match. */
  readonly fullPages: number;
  readonly fullPagesPossible: number;
  readonly recallAt10: number;
  readonly minRecallAt10: number;
  readonly ms: Latency;
  readonly exactMs: Latency;
}

export interface EvalSearchResult {
  readonly labelled: readonly LabelledRow[];
  readonly selectivity: readonly SelectivityRow[];
}

/** `exact` is vector search over a sequential scan; the others are the API's modes. */
function requestFor(mode: EvalMode, query: string, namespace: string): SearchRequestBody {
  return mode === 'exact'
    ? { query, namespace, k: EVAL_K, mode: 'vector', exact: true }
    : { query, namespace, k: EVAL_K, mode };
}

async function timedSearch(
  client: ApiClient,
  body: SearchRequestBody,
): Promise<{ keys: string[]; scores: number[]; ms: number }> {
  const start = performance.now();
  const { results } = await client.search(body);
  const ms = performance.now() - start;
  return {
    keys: results.map((r) => hitKey(r.documentId, r.chunkIndex)),
    scores: results.map((r) => r.score),
    ms,
  };
}

function latency(ms: readonly number[]): Latency {
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function labelledRow(
  client: ApiClient,
  set: LabelledRow['set'],
  mode: EvalMode,
  queries: readonly LabelledQuery[],
  namespace: string,
): Promise<LabelledRow> {
  const top1: number[] = [];
  const recall: number[] = [];
  const rr: number[] = [];
  const ms: number[] = [];
  for (const { query, answer } of queries) {
    const hit = await timedSearch(client, requestFor(mode, query, namespace));
    const key = keyOfChunk(answer);
    top1.push(hit.keys[0] === key ? 1 : 0);
    recall.push(recallAt(hit.keys, [key], EVAL_K));
    rr.push(reciprocalRank(hit.keys, key, EVAL_K));
    ms.push(hit.ms);
  }
  return {
    set,
    mode,
    queries: queries.length,
    top1: mean(top1),
    recallAt10: mean(recall),
    mrrAt10: mean(rr),
    ms: latency(ms),
  };
}

async function selectivityRow(
  client: ApiClient,
  level: (typeof SELECTIVITY_FILTERS)[number],
  queries: readonly string[],
  options: EvalSearchOptions,
): Promise<SelectivityRow> {
  const recall: number[] = [];
  const ms: number[] = [];
  const exactMs: number[] = [];
  let fullPages = 0;
  let fullPagesPossible = 0;
  for (const [q, query] of queries.entries()) {
    const filter = level.filter(q);
    const body = {
      query,
      namespace: options.namespace,
      k: EVAL_K,
      mode: 'vector' as const,
      ...(filter && { filter }),
    };
    const indexed = await timedSearch(client, body);
    const exact = await timedSearch(client, { ...body, exact: true });
    recall.push(recallByScore(indexed.scores, exact.scores, EVAL_K));
    // Exact search returns k whenever k chunks match: it reads every chunk that passes.
    if (exact.keys.length === EVAL_K) {
      fullPagesPossible++;
      if (indexed.keys.length === EVAL_K) fullPages++;
    }
    ms.push(indexed.ms);
    exactMs.push(exact.ms);
  }
  return {
    selectivity: level.selectivity,
    queries: queries.length,
    fullPages,
    fullPagesPossible,
    recallAt10: mean(recall),
    minRecallAt10: Math.min(...recall),
    ms: latency(ms),
    exactMs: latency(exactMs),
  };
}

/**
 * Runs the labelled queries in every mode and the seed queries under every filter selectivity,
 * one request at a time, timing each on the client (HTTP, query embedding and SQL together).
 */
export async function runEvalSearch(
  client: ApiClient,
  options: EvalSearchOptions,
): Promise<EvalSearchResult> {
  const { namespace, chunks, identifiers } = options;
  const warmUp = generateSeedQueries(20, 11);
  for (const query of warmUp) await client.search(requestFor('vector', query, namespace));

  const labelled: LabelledRow[] = [];
  const sets = [
    ['identifier', identifierQueries(chunks, identifiers)],
    ['paraphrase', paraphraseQueries(chunks, identifiers, options.paraphrases)],
  ] as const;
  for (const [set, queries] of sets) {
    for (const mode of MODES) {
      options.progress(`${set} queries, ${mode}: ${queries.length} searches`);
      labelled.push(await labelledRow(client, set, mode, queries, namespace));
    }
  }
  const selectivity: SelectivityRow[] = [];
  const seedQueries = generateSeedQueries(options.queries);
  for (const level of SELECTIVITY_FILTERS) {
    options.progress(
      `filter matching ${level.selectivity * 100}%: ${seedQueries.length} searches, indexed and exact`,
    );
    selectivity.push(await selectivityRow(client, level, seedQueries, options));
  }
  return { labelled, selectivity };
}
