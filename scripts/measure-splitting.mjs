#!/usr/bin/env node
// What splitting a document costs, with no service: 1 MiB of markdown and of plain text built from
// the seed workload (sections, paragraphs, code blocks), split RUNS times each with the default
// options and with overlap; medians of wall and CPU time of this one thread. Then how stable the
// chunks are: 200-chunk documents (plain text and markdown), one paragraph replaced at a time,
// counting the chunks whose text changed (what a re-post embeds again).
// Usage, after `pnpm build`: node scripts/measure-splitting.mjs [RUNS]
import { splitDocument } from '../packages/chunking/dist/index.js';
import { loadTokenizer } from '../packages/embedder/dist/index.js';
import { sourceFiles } from '../packages/model/dist/index.js';
import { generateSeedChunks } from '../packages/workload/dist/index.js';

const RUNS = Number(process.argv[2] ?? 7);
const MIB = 1_048_576;
const tokenizer = await loadTokenizer(sourceFiles().tokenizer);
const count = (text) => tokenizer.countWordPieces(text);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seed paragraphs under headings, with a code block now and then, to at least `bytes` of UTF-8. */
function corpus(bytes, markdown, seed) {
  const parts = [];
  let size = 0;
  let i = 0;
  for (const paragraph of generateSeedChunks(Math.ceil(bytes / 200), seed)) {
    if (size >= bytes) break;
    let part = paragraph;
    if (markdown && i % 15 === 0) part = `## Section ${i / 15}\n\n${part}`;
    if (markdown && i % 40 === 7) part += '\n\n```python\nfor sample in samples:\n    measure(sample)\n```';
    parts.push(part);
    size += Buffer.byteLength(part) + 2;
    i++;
  }
  return parts;
}

process.stdout.write(`splitting, ${RUNS} runs each (medians), one thread:\n`);
for (const contentType of ['text/markdown', 'text/plain']) {
  const text = corpus(MIB, contentType === 'text/markdown', 1).join('\n\n');
  for (const options of [{}, { maxTokens: 254 }, { overlapTokens: 32 }]) {
    const wall = [];
    const cpu = [];
    let chunks = 0;
    for (let run = 0; run < RUNS; run++) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      chunks = splitDocument(text, { ...options, contentType }, count).length;
      wall.push(performance.now() - started);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    process.stdout.write(
      `  ${(Buffer.byteLength(text) / MIB).toFixed(2)} MiB ${contentType} ${JSON.stringify(options)}: ${chunks} chunks, ` +
        `wall ${median(wall).toFixed(0)} ms (${Math.min(...wall).toFixed(0)}-${Math.max(...wall).toFixed(0)}), CPU ${median(cpu).toFixed(0)} ms\n`,
    );
  }
}

process.stdout.write('one paragraph replaced in a ~200-chunk document, 50 edits each:\n');
for (const contentType of ['text/plain', 'text/markdown']) {
  for (const options of [{}, { overlapTokens: 16 }, { maxTokens: 254 }]) {
    const all = corpus(400_000, contentType === 'text/markdown', 2);
    // Enough paragraphs for about 200 chunks.
    let n = 40;
    while (splitDocument(all.slice(0, n).join('\n\n'), { ...options, contentType }, count).length < 200)
      n += 5;
    const paragraphs = all.slice(0, n);
    const before = splitDocument(paragraphs.join('\n\n'), { ...options, contentType }, count);
    const texts = new Set(before.map((c) => c.text));
    const changed = [];
    for (let edit = 0; edit < 50; edit++) {
      const edited = paragraphs.slice();
      const k = (edit * 7919) % paragraphs.length;
      // Keep a heading the paragraph carries; replace its text with another of another length.
      const heading = edited[k].match(/^## .*\n\n/)?.[0] ?? '';
      edited[k] = heading + generateSeedChunks(1, 10_000 + edit)[0];
      const after = splitDocument(edited.join('\n\n'), { ...options, contentType }, count);
      changed.push(after.filter((c) => !texts.has(c.text)).length);
    }
    const mean = changed.reduce((a, b) => a + b, 0) / changed.length;
    process.stdout.write(
      `  ${contentType} ${JSON.stringify(options)}: ${before.length} chunks; chunks to embed again per edit: ` +
        `mean ${mean.toFixed(2)}, median ${median(changed)}, max ${Math.max(...changed)}\n`,
    );
  }
}
