/**
 * Entry of one inference thread: a single session (ONNX Runtime's or the native engine's) that runs
 * the batches the embedder posts, one at a time. Both engines' runs block the thread that calls
 * them, so sessions that run side by side need threads of their own.
 */
import { join } from 'node:path';
import { type MessagePort, parentPort, threadId, workerData } from 'node:worker_threads';
import type { FromThread, InferenceThreadData, ToThread } from './inference-thread-protocol.js';
import { openSession, type Session } from './open-session.js';

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function serve(port: MessagePort, data: InferenceThreadData): Promise<void> {
  const send = (message: FromThread): void => port.postMessage(message);
  let session: Session;
  try {
    // ORT names its file after the prefix and the second it was opened: threads opened within one
    // second need prefixes of their own.
    const profilePrefix =
      data.profileDir === undefined ? undefined : join(data.profileDir, `session-${threadId}`);
    session = await openSession({
      engine: data.engine,
      modelPath: data.modelPath,
      threads: data.threads,
      profilePrefix,
    });
    await session.reserve(data.limits, data.padId);
  } catch (error) {
    send({ type: 'failed', message: describe(error) });
    port.close();
    return;
  }
  port.on('message', (message: ToThread) => {
    if (message.type === 'close') {
      void session.release().finally(() => port.close());
      return;
    }
    // Every buffer of the batch leaves with the answer: this thread allocates so little on its
    // JavaScript heap that it collects garbage only every few hundred batches, and the buffers it
    // kept until then (the ids and mask in, the vectors out) held several MB of the process's RSS.
    const spent = [message.ids.buffer, message.mask.buffer];
    session.run(message).then(
      (vectors) =>
        port.postMessage({ type: 'result', vectors } satisfies FromThread, [vectors.buffer, ...spent]),
      (error: unknown) => send({ type: 'error', message: describe(error) }),
    );
  });
  send({ type: 'ready' });
}

if (parentPort === null) throw new Error('inference-thread.js runs only as a worker thread');
await serve(parentPort, workerData as InferenceThreadData);
