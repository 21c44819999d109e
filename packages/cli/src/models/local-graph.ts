import { graphIdentity, type Precision } from '@embedq/embedder';
import type { ModelIdentity } from '@embedq/store';
import { PRECISIONS } from '../options.js';

/**
 * The identity of this machine's graph of a precision (resolveIdentity's `localGraph`): what
 * workers deployed from the same build embed with. `modelDir` is EMBEDQ_MODEL_DIR, if set.
 */
export function localGraph(modelDir: string | undefined): (precision: string) => Promise<ModelIdentity> {
  return async (precision) => {
    const known = PRECISIONS.find((p): p is Precision => p === precision);
    if (known === undefined) throw new Error(`no graph of precision '${precision}'`);
    try {
      return await graphIdentity(known, modelDir);
    } catch (error) {
      throw new Error(`cannot read the local ${known} graph (run 'pnpm setup' to build it)`, {
        cause: error,
      });
    }
  };
}
