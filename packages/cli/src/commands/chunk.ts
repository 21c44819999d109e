import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { CHUNKING_LIMITS, CONTENT_TYPES, type ContentType } from '@embedq/chunking';
import type { Command, CommandContext } from '../command.js';
import type { CliEnv } from '../env.js';
import { optional, parseCommandArgs, parseCount } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'chunk';

export const chunkHelp = `Usage: embedq chunk [--max-tokens N] [--overlap-tokens N] [--content-type T] FILE
       embedq chunk [options] - < document.md

Prints the chunks POST /v1/documents would cut FILE into, one JSON object per line:
{ index, start, end, tokenCount, headingPath, text }, with offsets in UTF-16 code units.
A summary (chunks, word pieces per chunk, time) goes to stderr. For tuning the options.

Options:
  --max-tokens N       most word pieces per chunk, ${CHUNKING_LIMITS.minMaxTokens} to ${CHUNKING_LIMITS.maxMaxTokens} (default ${CHUNKING_LIMITS.defaultMaxTokens})
  --overlap-tokens N   word pieces of the previous chunk's end to begin with, at most half
                       of --max-tokens (default ${CHUNKING_LIMITS.defaultOverlapTokens})
  --content-type T     ${CONTENT_TYPES.join(' or ')} (default: text/markdown for .md and
                       .markdown files, else text/plain)
  -h, --help           show this help
`;

export interface ChunkArgs {
  readonly help: boolean;
  /** Undefined: read stdin. */
  readonly file: string | undefined;
  readonly maxTokens?: number;
  readonly overlapTokens?: number;
  readonly contentType: ContentType;
}

export function parseChunkArgs(args: readonly string[], env: CliEnv): ChunkArgs {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    'max-tokens': { type: 'string' },
    'overlap-tokens': { type: 'string' },
    'content-type': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return { help: true, file: undefined, contentType: 'text/plain' };
  if (positionals.length !== 1) {
    throw new UsageError(`${NAME}: give one FILE (or - for stdin), got ${positionals.length}`, {
      command: NAME,
    });
  }
  const given = positionals[0] as string;
  const file = given === '-' ? undefined : resolve(env.userCwd, given);
  const type = values['content-type'];
  const contentType = CONTENT_TYPES.find((t) => t === type);
  if (type !== undefined && contentType === undefined) {
    throw new UsageError(
      `${NAME}: --content-type must be one of ${CONTENT_TYPES.join(', ')}, got '${type}'`,
      {
        command: NAME,
      },
    );
  }
  const maxTokens = values['max-tokens'];
  const overlapTokens = values['overlap-tokens'];
  return {
    help: false,
    file,
    ...optional('maxTokens', maxTokens === undefined ? undefined : parseCount(NAME, 'max-tokens', maxTokens)),
    ...optional(
      'overlapTokens',
      overlapTokens === undefined ? undefined : parseCount(NAME, 'overlap-tokens', overlapTokens, 0),
    ),
    contentType:
      contentType ??
      (file !== undefined && /^\.(md|markdown)$/i.test(extname(file)) ? 'text/markdown' : 'text/plain'),
  };
}

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseChunkArgs(args, context.env);
  if (parsed.help) {
    context.stdout.write(chunkHelp);
    return 0;
  }
  const source =
    parsed.file === undefined ? await readAll(context.stdin) : await readFile(parsed.file, 'utf8');
  // Loaded on use: parsing and --help do not load the tokenizer.
  const { splitDocument, ChunkingOptionsError } = await import('@embedq/chunking');
  const { loadTokenizer } = await import('@embedq/embedder');
  const { sourceFiles } = await import('@embedq/model');
  const tokenizer = await loadTokenizer(sourceFiles().tokenizer);
  const started = performance.now();
  let chunks: ReturnType<typeof splitDocument>;
  try {
    chunks = splitDocument(source, parsed, (text) => tokenizer.countWordPieces(text));
  } catch (error) {
    if (error instanceof ChunkingOptionsError)
      throw new UsageError(`${NAME}: ${error.message}`, { command: NAME });
    throw error;
  }
  const ms = performance.now() - started;
  for (const chunk of chunks) {
    const { index, start, end, tokenCount, headingPath, text } = chunk;
    context.stdout.write(`${JSON.stringify({ index, start, end, tokenCount, headingPath, text })}\n`);
  }
  context.stderr.write(
    `${summary(
      chunks.map((c) => c.tokenCount),
      source.length,
      parsed.contentType,
      ms,
    )}\n`,
  );
  return 0;
}

function summary(
  tokens: readonly number[],
  characters: number,
  contentType: ContentType,
  ms: number,
): string {
  if (tokens.length === 0) return `no chunks: the text holds no word piece (${characters} characters)`;
  const sorted = [...tokens].sort((a, b) => a - b);
  const mean = tokens.reduce((a, b) => a + b, 0) / tokens.length;
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${tokens.length} chunks from ${characters} characters (${contentType}) in ${ms.toFixed(0)} ms; word pieces per chunk: mean ${mean.toFixed(1)}, min ${sorted[0]}, median ${median}, max ${sorted.at(-1)}`;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of input) parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

export const chunkCommand: Command = {
  name: NAME,
  summary: 'print the chunks POST /v1/documents would cut a file into, one JSON object per line',
  help: chunkHelp,
  run,
};
