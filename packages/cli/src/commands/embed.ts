import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Precision } from '@embedq/embedder';
import type { Command, CommandContext } from '../command.js';
import type { CliEnv } from '../env.js';
import { parseCommandArgs, parsePrecision } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'embed';

export const embedHelp = `Usage: embedq embed [--precision fp32|int8] [--model-dir DIR] TEXT...
       embedq embed [--precision fp32|int8] [--model-dir DIR] < texts.txt

Embeds each TEXT with all-MiniLM-L6-v2 and prints one JSON array of 384 numbers per
text, one per line, in input order. Nothing else is written to stdout; logs go to stderr.
With no TEXT arguments, reads the texts from stdin, one per line (an empty line is an
empty text).

Options:
  --precision P     fp32 or int8 (default int8)
  --model-dir DIR   the built model folder (default: $EMBEDQ_MODEL_DIR, else the
                    repository's models/all-MiniLM-L6-v2)
  -h, --help        show this help

Put -- before texts that begin with '-'.
`;

export interface EmbedArgs {
  readonly help: boolean;
  readonly precision: Precision;
  readonly modelDir: string | undefined;
  /** Undefined: read stdin. */
  readonly texts: readonly string[] | undefined;
}

export function parseEmbedArgs(args: readonly string[], env: CliEnv): EmbedArgs {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    precision: { type: 'string' },
    'model-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const modelDir = values['model-dir'];
  return {
    help: values.help === true,
    precision: values.precision === undefined ? 'int8' : parsePrecision(NAME, values.precision),
    modelDir: modelDir === undefined ? env.modelDir : resolve(env.userCwd, modelDir),
    texts: positionals.length > 0 ? positionals : undefined,
  };
}

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseEmbedArgs(args, context.env);
  if (parsed.help) {
    context.stdout.write(embedHelp);
    return 0;
  }
  if (parsed.texts === undefined && context.stdin.isTTY === true) {
    throw new UsageError(`${NAME}: give TEXT arguments or pipe texts on stdin, one per line`, {
      command: NAME,
    });
  }
  // stdout carries vectors only: whatever a library logs with console.log goes to stderr.
  const restore = consoleToStderr();
  try {
    // Loaded on use: parsing and --help do not pay for ONNX Runtime.
    const { prepareModel } = await import('../prepare-model.js');
    const log = (line: string): void => void context.stderr.write(`${line}\n`);
    await prepareModel({
      modelDir: parsed.modelDir,
      precision: parsed.precision,
      peer: false,
      verify: false,
      log,
    });
    const { writeEmbeddings } = await import('../embed/write-embeddings.js');
    await writeEmbeddings({
      precision: parsed.precision,
      modelDir: parsed.modelDir,
      texts: parsed.texts ?? readLines(context.stdin),
      out: context.stdout,
    });
  } finally {
    restore();
  }
  return 0;
}

async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  yield* createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return () => Object.assign(console, saved);
}

export const embedCommand: Command = {
  name: NAME,
  summary: 'print the 384-dim embedding of each text as a JSON array, one per line',
  help: embedHelp,
  run,
};
