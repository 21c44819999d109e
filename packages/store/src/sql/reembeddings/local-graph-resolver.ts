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

/**
 * Maps an identity id to the precision of this process's graph that is that identity (same model
 * and graph sha256), or throws GraphUnavailableError. Identities never change once their graph is
 * known, so each answer is kept.
 */
export function localGraphResolver(
  db: Queryable,
  localGraph: (precision: string) => Promise<ModelIdentity>,
): (identityId: number) => Promise<string> {
  const known = new Map<number, string>();
  return async (identityId) => {
    const cached = known.get(identityId);
    if (cached !== undefined) return cached;
    const identity = await readModelIdentity(db, identityId);
    if (identity === undefined) throw new GraphUnavailableError(identityId, 'no such identity');
    if (identity.precision !== 'int8' && identity.precision !== 'fp32')
      throw new GraphUnavailableError(identityId, `unknown precision ${identity.precision}`);
    const local = await localGraph(identity.precision);
    if (local.model !== identity.model || local.graphSha256 !== identity.graphSha256) {
      throw new GraphUnavailableError(
        identityId,
        `it is ${identity.model} ${identity.precision} ${identity.graphSha256.slice(0, 12) || '?'}, this process has ${local.model} ${local.precision} ${local.graphSha256.slice(0, 12)}`,
      );
    }
    known.set(identityId, identity.precision);
    return identity.precision;
  };
}
