import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimit } from '@embedq/queue';
import { evalChunk } from '@embedq/workload';
import type { ApiClient } from '../load/api-client.js';
import { CHUNKS_PER_DOCUMENT, documentCount, documentIdOf } from './eval-set-layout.js';

export interface EvalSetSize {
  readonly chunks: number;
  readonly identifiers: number;
}

export interface LoadEvalSetResult {
  /** Documents posted (the rest were already in the namespace, embedded). */
  readonly posted: number;
  readonly kept: number;
  readonly seconds: number;
}

function partChunks(part: number, size: EvalSetSize) {
  const first = part * CHUNKS_PER_DOCUMENT;
  const last = Math.min(size.chunks, first + CHUNKS_PER_DOCUMENT);
  return Array.from({ length: last - first }, (_, i) => evalChunk(first + i, size.chunks, size.identifiers));
}

/**
 * Puts the labelled set into `namespace` through the REST API and waits until every chunk has a
 * vector. A document already there with the same chunk count and first chunk, and its batch
 * completed, is kept as it is, so a second eval over the same set embeds nothing.
 */
export async function loadEvalSet(
  client: ApiClient,
  namespace: string,
  size: EvalSetSize,
  options: { readonly timeoutSeconds: number; readonly progress: (line: string) => void },
): Promise<LoadEvalSetResult> {
  const started = Date.now();
  const parts = Array.from({ length: documentCount(size.chunks) }, (_, part) => part);
  const pending: string[] = [];
  let postedChunks = 0;
  let kept = 0;
  await forEachLimit(parts, 4, async (part) => {
    const chunks = partChunks(part, size);
    const documentId = documentIdOf(part);
    const existing = await client.documentPage(namespace, documentId, 1);
    if (
      existing !== undefined &&
      existing.chunkCount === chunks.length &&
      existing.chunks[0]?.text === chunks[0]?.text
    ) {
      const batch = await client.batch(existing.batchId);
      if (batch.status === 'completed' && batch.failed === 0) {
        kept++;
        return;
      }
    }
    const { batchId } = await client.postBatch({
      namespace,
      documentId,
      chunks: chunks.map((c) => ({ text: c.text, metadata: c.metadata })),
    });
    pending.push(batchId);
    postedChunks += chunks.length;
  });
  options.progress(`${kept} of ${parts.length} documents already loaded; ${pending.length} posted`);
  const deadline = started + options.timeoutSeconds * 1000;
  let lastReport = 0;
  while (pending.length > 0) {
    let waiting = 0;
    for (let i = pending.length - 1; i >= 0; i--) {
      const batch = await client.batch(pending[i] as string);
      if (batch.failed > 0) throw new Error(`batch ${batch.batchId}: ${batch.failed} chunks failed`);
      if (batch.status === 'completed') pending.splice(i, 1);
      else waiting += batch.total - batch.embedded;
    }
    if (pending.length === 0) break;
    if (Date.now() > deadline) throw new Error(`the set was not embedded within ${options.timeoutSeconds} s`);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      options.progress(`${postedChunks - waiting} of ${postedChunks} posted chunks embedded`);
    }
    await sleep(1_000);
  }
  return { posted: parts.length - kept, kept, seconds: (Date.now() - started) / 1000 };
}
