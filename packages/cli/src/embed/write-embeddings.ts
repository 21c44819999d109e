import { once } from 'node:events';
import { createEmbedder, type Precision } from '@embedq/embedder';
import { optional } from '../options.js';

export interface WriteEmbeddingsOptions {
  readonly precision: Precision;
  readonly modelDir: string | undefined;
  readonly texts: Iterable<string> | AsyncIterable<string>;
  readonly out: NodeJS.WritableStream;
}

/**
 * Embeds texts of any number with bounded memory and writes one JSON array per text, one per
 * line, in input order. Batches may finish out of order: each vector is held until every earlier
 * text's vector is written.
 */
export async function writeEmbeddings(options: WriteEmbeddingsOptions): Promise<void> {
  const embedder = await createEmbedder({
    precision: options.precision,
    ...optional('modelDir', options.modelDir),
  });
  try {
    const pending = new Map<number, Float32Array>();
    let next = 0;
    for await (const batch of embedder.embedStream(options.texts)) {
      batch.indices.forEach((index, i) => {
        pending.set(index, batch.vectors[i]!);
      });
      let text = '';
      for (let v = pending.get(next); v !== undefined; v = pending.get(next)) {
        text += `${JSON.stringify(Array.from(v))}\n`;
        pending.delete(next);
        next++;
      }
      if (text !== '' && !options.out.write(text)) await once(options.out, 'drain');
    }
    if (pending.size > 0) throw new Error(`the embedder never returned text ${next}`);
  } finally {
    await embedder.close();
  }
}
