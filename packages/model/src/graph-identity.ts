import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readLock } from './model-lock.js';
import {
  GRAPH_FILES,
  type GraphKey,
  graphFile,
  graphPath,
  lockFilePath,
  MODEL_NAME,
  type Precision,
} from './paths.js';

/** What a vector is comparable with: the model, its precision and the sha256 of the graph that ran. */
export interface GraphIdentity {
  readonly model: string;
  readonly precision: Precision;
  readonly graphSha256: string;
}

/**
 * The identity of the graph a process embeds with. The lock's sha256 when the file has the
 * lock's size (setup verified it byte for byte); otherwise the file is hashed, so a rebuilt or
 * hand-placed graph is never taken for the locked one. Streamed: no 35-67 MB buffer.
 */
export async function graphIdentity(graph: GraphKey, modelDir?: string): Promise<GraphIdentity> {
  const { precision } = graphFile(graph);
  const path = graphPath(graph, modelDir);
  const locked = readLock(lockFilePath())?.files[basename(path)];
  const bytes = statSync(path).size;
  const graphSha256 = locked !== undefined && locked.bytes === bytes ? locked.sha256 : await hashFile(path);
  return { model: MODEL_NAME, precision, graphSha256 };
}

/**
 * The graphs of `precision` this machine has, current first, with their identities: what a
 * namespace pinned to any of them is embedded and searched with.
 */
export async function localGraphs(
  precision: Precision,
  modelDir?: string,
): Promise<{ graph: GraphKey; identity: GraphIdentity }[]> {
  const found: { graph: GraphKey; identity: GraphIdentity }[] = [];
  for (const { key } of GRAPH_FILES.filter((g) => g.precision === precision)) {
    if (key !== precision && !existsSync(graphPath(key, modelDir))) continue;
    found.push({ graph: key, identity: await graphIdentity(key, modelDir) });
  }
  return found;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
