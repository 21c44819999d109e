import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { evalSearchMarkdown } from '../eval-search/eval-search-report.js';
import { loadEvalSet } from '../eval-search/load-eval-set.js';
import { runEvalSearch } from '../eval-search/run-eval-search.js';
import { apiFromEnv, LOCAL_DEV_KEY } from '../load/api-from-env.js';
import { parseCommandArgs, parseCount } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'eval-search';

export const evalSearchHelp = `Usage: embedq eval-search [--chunks N] [--identifiers P] [--paraphrases Q] [--queries S]
                          [--api URL] [--namespace NS] [--timeout S] [--json FILE]

Measures search quality and latency against a running embedq. Builds a labelled set from the
seed workload (N chunks, P of them holding a planted identifier such as ZQX-7741, every chunk in
one of 10 labs, 100 groups and 1,000 projects), loads it through the REST API unless the
namespace already holds it, and then, one request at a time:
  - planted-identifier queries (P) and paraphrase queries of chunks (Q), whose right answers
    are known, in every mode (vector, keyword, hybrid, and exact vector search by sequential
    scan): top-1 rate, recall@10 and MRR@10, p50/p95 latency;
  - S seed queries under filters matching 100%, 10%, 1% and 0.1% of the set, through the HNSW
    index and exactly: recall@10 of the index against exact search, how often k came back,
    p50/p95 latency.
Latency is the client's: HTTP, the query's embedding and the SQL together. Progress goes to
stderr, the tables (markdown) to stdout.

Options:
  --chunks N        chunks in the labelled set, a multiple of 1,000 (default 100000)
  --identifiers P   chunks with a planted identifier (default 200)
  --paraphrases Q   paraphrase queries (default 200)
  --queries S       seed queries per filter selectivity (default 200)
  --api URL         the API (default: $EMBEDQ_API_URL, else http://127.0.0.1:$PORT or :3000)
  --namespace NS    where the set lives (default eval-N); keep it for nothing else
  --timeout S       give up loading after S seconds (default 3600)
  --json FILE       also write the result as JSON
  -h, --help        show this help

Environment: EMBEDQ_API_KEY is sent as the Bearer token (default: ${LOCAL_DEV_KEY}).
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    chunks: { type: 'string' },
    identifiers: { type: 'string' },
    paraphrases: { type: 'string' },
    queries: { type: 'string' },
    api: { type: 'string' },
    namespace: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(evalSearchHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  const count = (flag: string, value: string | undefined, fallback: number, min = 1) =>
    value === undefined ? fallback : parseCount(NAME, flag, value, min);
  const chunks = count('chunks', values.chunks, 100_000, 1_000);
  // Filters select exactly 10%, 1% and 0.1% only of whole thousands.
  if (chunks % 1_000 !== 0) {
    throw new UsageError(`${NAME}: --chunks must be a multiple of 1000, got ${chunks}`, { command: NAME });
  }
  const identifiers = count('identifiers', values.identifiers, 200);
  if (identifiers * 2 > chunks) {
    throw new UsageError(`${NAME}: --identifiers must be at most half of --chunks`, { command: NAME });
  }
  const paraphrases = count('paraphrases', values.paraphrases, 200);
  const queries = count('queries', values.queries, 200);
  const namespace = values.namespace ?? `eval-${chunks}`;
  const { api, client } = apiFromEnv(context.env.vars, values.api);
  const progress = (line: string) => context.stderr.write(`[eval-search] ${line}\n`);

  progress(
    `loading ${chunks} chunks (${identifiers} with planted identifiers) into namespace '${namespace}'`,
  );
  const load = await loadEvalSet(
    client,
    namespace,
    { chunks, identifiers },
    {
      timeoutSeconds: count('timeout', values.timeout, 3_600),
      progress,
    },
  );
  progress(`set ready in ${load.seconds.toFixed(0)} s (${load.posted} documents posted, ${load.kept} kept)`);
  const result = await runEvalSearch(client, {
    namespace,
    chunks,
    identifiers,
    paraphrases,
    queries,
    progress,
  });
  context.stdout.write(evalSearchMarkdown(result, chunks));
  if (values.json !== undefined) {
    const path = resolve(context.env.userCwd, values.json);
    const json = { kind: 'embedq-eval-search', api, namespace, chunks, identifiers, load, ...result };
    await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
    progress(`wrote ${path}`);
  }
  return 0;
}

export const evalSearchCommand: Command = {
  name: NAME,
  summary: 'measure search recall and latency per mode and filter selectivity on a labelled set',
  help: evalSearchHelp,
  run,
};
