import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { apiFromEnv, LOCAL_DEV_KEY } from '../load/api-from-env.js';
import { type LoadResult, runLoad } from '../load/run-load.js';
import { parseCommandArgs, parseCount } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'load';

export const loadHelp = `Usage: embedq load [--chunks N] [--batch-chunks B] [--documents] [--probes P] [--searches N]
                   [--api URL] [--namespace NS] [--concurrency C] [--timeout S] [--keep] [--json FILE]

Posts the seed workload through the REST API (POST /v1/batches, one document of B chunks
per request), waits until every chunk has a vector, and reports end-to-end chunks/s (first
enqueue to last vector, by the server's clock) and queue latency percentiles (enqueue to
vector written, per chunk). Progress goes to stderr, the summary to stdout.

Options:
  --chunks N        seed chunks to post (default 10000)
  --batch-chunks B  chunks per request (default 500)
  --documents       post each request's chunks as the paragraphs of one whole document
                    (POST /v1/documents) for the server to split, instead of as chunks
  --probes P        during the load, post P batches of 10 chunks one after another and
                    report how long each took to complete (default 0)
  --api URL         the API (default: $EMBEDQ_API_URL, else http://127.0.0.1:$PORT or :3000)
  --searches N      after the load, N searches (k = 10, seed queries) one after another over
                    the namespace; reports their latency (default 0)
  --namespace NS    namespace of the posted documents (default load)
  --concurrency C   requests in flight while posting (default 2)
  --timeout S       give up after S seconds (default 1800)
  --keep            keep the documents (by default they are deleted afterwards, so a later
                    run embeds the same texts again instead of reusing their vectors)
  --json FILE       also write the result as JSON
  -h, --help        show this help

Environment: EMBEDQ_API_KEY is sent as the Bearer token (default: ${LOCAL_DEV_KEY}, the key
'pnpm start' and docker-compose use when API_KEYS is not set). A 401 answer means the API does
not know the key; a 403, that the key may not use the namespace (API_KEYS lists each key's).
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    chunks: { type: 'string' },
    'batch-chunks': { type: 'string' },
    documents: { type: 'boolean' },
    probes: { type: 'string' },
    searches: { type: 'string' },
    api: { type: 'string' },
    namespace: { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(loadHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  const count = (flag: string, value: string | undefined, fallback: number, min = 1) =>
    value === undefined ? fallback : parseCount(NAME, flag, value, min);
  const { api, client } = apiFromEnv(context.env.vars, values.api);
  const result = await runLoad(client, {
    chunks: count('chunks', values.chunks, 10_000),
    batchChunks: count('batch-chunks', values['batch-chunks'], 500),
    asDocuments: values.documents === true,
    probes: count('probes', values.probes, 0, 0),
    searches: count('searches', values.searches, 0, 0),
    namespace: values.namespace ?? 'load',
    concurrency: count('concurrency', values.concurrency, 2),
    timeoutSeconds: count('timeout', values.timeout, 1_800),
    cleanUp: values.keep !== true,
    progress: (line) => context.stderr.write(`${line}\n`),
  });
  context.stdout.write(summary(result));
  if (values.json !== undefined) {
    const path = resolve(context.env.userCwd, values.json);
    await writeFile(path, `${JSON.stringify({ kind: 'embedq-load', api, ...result }, null, 2)}\n`);
    context.stderr.write(`wrote ${path}\n`);
  }
  return result.embedded === result.storedChunks ? 0 : 1;
}

function summary(r: LoadResult): string {
  const s = (x: number) => x.toFixed(2);
  const lines = [
    `embedq load: ${r.chunks} chunks in ${r.batches} batches${r.storedChunks === r.chunks ? '' : `, split by the server into ${r.storedChunks} chunks`}`,
    `  embedded ${r.embedded}, failed ${r.failed}`,
    `  end to end: ${r.chunksPerSec.toFixed(1)} chunks/s (${s(r.seconds)} s from first enqueue to last vector)${r.storedChunks === r.chunks ? '' : `; ${r.seedChunksPerSec.toFixed(1)} seed chunks/s of text`}`,
    `  queue latency per chunk: p50 ${s(r.queueLatencySeconds.p50)} s, p95 ${s(r.queueLatencySeconds.p95)} s, p99 ${s(r.queueLatencySeconds.p99)} s`,
  ];
  if (r.probe !== undefined) {
    lines.push(
      `  ${r.probe.count} small batches during the load: p50 ${s(r.probe.seconds.p50)} s, p95 ${s(r.probe.seconds.p95)} s, max ${s(r.probe.seconds.max)} s`,
    );
  }
  if (r.search !== undefined) {
    const ms = (x: number) => x.toFixed(1);
    lines.push(
      `  ${r.search.count} searches after the load (k = 10): p50 ${ms(r.search.ms.p50)} ms, p95 ${ms(r.search.ms.p95)} ms, max ${ms(r.search.ms.max)} ms`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const loadCommand: Command = {
  name: NAME,
  summary: 'post the seed workload through the REST API and measure it end to end',
  help: loadHelp,
  run,
};
