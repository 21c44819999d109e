import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readLock } from './model-lock.js';
import { lockFilePath, MODEL_NAME, modelFiles, type Precision } from './paths.js';

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
export async function graphIdentity(precision: Precision, modelDir?: string): Promise<GraphIdentity> {
  const path = precision === 'int8' ? modelFiles(modelDir).int8 : modelFiles(modelDir).fp32;
  const locked = readLock(lockFilePath())?.files[basename(path)];
  const bytes = statSync(path).size;
  const graphSha256 = locked !== undefined && locked.bytes === bytes ? locked.sha256 : await hashFile(path);
  return { model: MODEL_NAME, precision, graphSha256 };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
