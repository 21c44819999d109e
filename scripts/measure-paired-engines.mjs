// ONNX Runtime against the native engine on the same batches, batch by batch: two worker threads
// (the bench's two single-threaded sessions), each holding one session of each engine and running
// every batch of its share on both, back to back, in alternating order. The host's drifts in
// speed (+-10% between whole bench runs here) then fall on both engines alike, so the ratio of
// their summed times is steady to about a percent. Batches are the embedder's: the seed chunks
// sorted by length within windows of 2,048 and packed up to 512 tokens and 64 chunks.
// Times the engines only (tokenizing and the pipeline around them are left out).
// Usage, after `bash scripts/setup.sh`: node scripts/measure-paired-engines.mjs [CHUNKS] [KERNEL_SET]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const model = join(root, 'models/all-MiniLM-L6-v2');
const embedder = (file) => import(join(root, 'packages/embedder/dist', file));
const WINDOW = 2048;
const TOKEN_BUDGET = 512;
const MAX_ROWS = 64;
const THREADS = 2;

if (isMainThread) {
  const chunks = Number(process.argv[2] ?? 10000);
  const kernelSet = process.argv[3];
  const { loadTokenizer } = await embedder('tokenizer.js');
  const { generateSeedChunks } = await import(join(root, 'packages/workload/dist/index.js'));
  const tokenizer = await loadTokenizer(join(model, 'tokenizer.json'));
  const texts = generateSeedChunks(chunks);
  const batches = [];
  for (let start = 0; start < texts.length; start += WINDOW) {
    const window = texts
      .slice(start, start + WINDOW)
      .map((text) => tokenizer.encode(text).ids)
      .sort((a, b) => a.length - b.length);
    let batch = [];
    let tokens = 0;
    for (const ids of window) {
      if (batch.length > 0 && (tokens + ids.length > TOKEN_BUDGET || batch.length === MAX_ROWS)) {
        batches.push(batch);
        batch = [];
        tokens = 0;
      }
      batch.push(Array.from(ids));
      tokens += ids.length;
    }
    if (batch.length > 0) batches.push(batch);
  }
  const shares = Array.from({ length: THREADS }, (_, t) => batches.filter((_, i) => i % THREADS === t));
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url), {
            workerData: { share, padId: tokenizer.padId, kernelSet },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const sum = (key) => results.reduce((total, r) => total + r[key], 0);
  const ort = sum('ort');
  const native = sum('native');
  const rate = (seconds) => ((chunks / seconds) * THREADS).toFixed(1);
  console.log(
    `${chunks} chunks in ${batches.length} batches, native kernels ${results[0].kernels}: ` +
      `onnxruntime ${ort.toFixed(2)} s (${rate(ort)} chunks/s of engine time), ` +
      `native ${native.toFixed(2)} s (${rate(native)} chunks/s): native / onnxruntime ${(ort / native).toFixed(3)}x`,
  );
} else {
  const { ModelSession } = await embedder('model-session.js');
  const { NativeSession, nativeEncoder } = await embedder('native-session.js');
  const { padBatch } = await embedder('padded-batch.js');
  const { share, padId, kernelSet } = workerData;
  const graph = join(model, 'model.int8.onnx');
  const ort = await ModelSession.open({ modelPath: graph, threads: 1 });
  const native = await NativeSession.open(graph, kernelSet ? { kernelSet } : {});
  const padded = share.map((batch) =>
    padBatch(
      batch.map((ids) => Int32Array.from(ids)),
      padId,
    ),
  );
  const seconds = { ort: 0, native: 0 };
  // Both engines warm up on the first batches, uncounted.
  for (const batch of padded.slice(0, 4)) {
    await ort.run(batch);
    await native.run(batch);
  }
  for (const [i, batch] of padded.entries()) {
    for (const engine of i % 2 === 0 ? ['ort', 'native'] : ['native', 'ort']) {
      const start = performance.now();
      await (engine === 'ort' ? ort : native).run(batch);
      seconds[engine] += (performance.now() - start) / 1000;
    }
  }
  await Promise.all([ort.release(), native.release()]);
  const available = nativeEncoder();
  parentPort.postMessage({ ...seconds, kernels: kernelSet ?? available.kernelSet });
}
