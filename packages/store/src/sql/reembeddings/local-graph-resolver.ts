import type { ModelIdentity, Queryable } from '../../interfaces.js';
import { readModelIdentity } from './resolve-identity.js';

/** An identity whose graph this process does not have (another model, or another build of it). */
export class GraphUnavailableError extends Error {
  constructor(
    readonly identityId: number,
    detail: string,
  ) {
    super(`model identity ${identityId} is not a graph this process has: ${detail}`);
    this.name = 'GraphUnavailableError';
  }
}

/** A graph this process can load, by its key (`int8`, `fp32`, `int8-v1`), and what it is. */
export interface LocalGraph {
  readonly graph: string;
  readonly identity: ModelIdentity;
}

/**
 * Maps an identity id to the key of this process's graph that is that identity (same model,
 * precision and graph sha256): a precision's current graph or an earlier one kept for namespaces
 * still pinned to it. Throws GraphUnavailableError when there is none. Identities never change
 * once their graph is known, so each answer is kept.
 */
export function localGraphResolver(
  db: Queryable,
  localGraphs: (precision: string) => Promise<readonly LocalGraph[]>,
): (identityId: number) => Promise<string> {
  const known = new Map<number, string>();
  return async (identityId) => {
    const cached = known.get(identityId);
    if (cached !== undefined) return cached;
    const identity = await readModelIdentity(db, identityId);
    if (identity === undefined) throw new GraphUnavailableError(identityId, 'no such identity');
    if (identity.precision !== 'int8' && identity.precision !== 'fp32')
      throw new GraphUnavailableError(identityId, `unknown precision ${identity.precision}`);
    const graphs = await localGraphs(identity.precision);
    const local = graphs.find(
      (g) => g.identity.model === identity.model && g.identity.graphSha256 === identity.graphSha256,
    );
    if (local === undefined) {
      const have = graphs.map((g) => `${g.identity.model} ${g.graph} ${g.identity.graphSha256.slice(0, 12)}`);
      throw new GraphUnavailableError(
        identityId,
        `it is ${identity.model} ${identity.precision} ${identity.graphSha256.slice(0, 12) || '?'}, this process has ${have.join(', ') || 'none of that precision'}`,
      );
    }
    known.set(identityId, local.graph);
    return local.graph;
  };
}
