// A stand-in for inference-thread.js that speaks its protocol without ONNX Runtime, for tests of
// what happens around a thread: it starts only while the file at `modelPath` exists, answers a
// batch of R rows with R x 384 values equal to R, and dies (exit code 3) on a batch of 13 rows.
import { existsSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!existsSync(workerData.modelPath)) {
  port.postMessage({ type: 'failed', message: `no model at ${workerData.modelPath}` });
  port.close();
} else {
  port.on('message', (message) => {
    if (message.type === 'close') port.close();
    else if (message.rows === 13) process.exit(3);
    else {
      const vectors = new Float32Array(message.rows * 384).fill(message.rows);
      port.postMessage({ type: 'result', vectors }, [vectors.buffer]);
    }
  });
  port.postMessage({ type: 'ready' });
}
