import { loadTokenizer } from '@embedq/embedder';
import { sourceFiles } from '@embedq/model';
import { generateSeedChunks } from '@embedq/workload';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChunkingOptionsError } from './chunking-options.js';
import type { ChunkingOptions, TextChunk, WordPieceCounter } from './interfaces.js';
import { rebuildSource } from './rebuild-source.js';
import { splitDocument, splitDocumentYielding } from './split-document.js';

let count: WordPieceCounter;

beforeAll(async () => {
  const tokenizer = await loadTokenizer(sourceFiles().tokenizer);
  count = (text) => tokenizer.countWordPieces(text);
});

const split = (source: string, options: Partial<ChunkingOptions> = {}): TextChunk[] =>
  splitDocument(source, options, count);

/** Every property a chunking must have, whatever the text. */
function expectSound(source: string, chunks: readonly TextChunk[], maxTokens: number): void {
  expect(rebuildSource(chunks)).toBe(source);
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    expect(chunk.text).toBe(source.slice(chunk.start, chunk.end));
    // The count is the tokenizer's own for the chunk's whole text, and fits the window.
    expect(chunk.tokenCount).toBe(count(chunk.text));
    expect(chunk.tokenCount).toBeGreaterThan(0);
    expect(chunk.tokenCount).toBeLessThanOrEqual(maxTokens);
  });
}

function seedMarkdown(chunks: number): string {
  const paragraphs = generateSeedChunks(chunks, 11);
  let markdown = '# Report\n\nIntro paragraph of the report.\n\n';
  paragraphs.forEach((paragraph, i) => {
    if (i % 12 === 0) markdown += `## Part ${i / 12}\n\n`;
    if (i % 12 === 5) markdown += '### Details\n\n';
    if (i % 25 === 9) markdown += '```python\ndef f(x):\n    return x * 2\n\nprint(f(21))\n```\n\n';
    markdown += `${paragraph}\n\n`;
  });
  return markdown;
}

describe('splitDocument: every chunk fits, is counted exactly and the source is rebuilt', () => {
  const texts: Record<string, string> = {
    'seed markdown': seedMarkdown(300),
    'seed text, CRLF line breaks': generateSeedChunks(200, 3).join('\r\n\r\n'),
    'hard-wrapped plain text': generateSeedChunks(60, 5)
      .join(' ')
      .replace(/(.{1,72})( |$)/g, '$1\n'),
    unicode:
      'Ünïcödé àccents and Σίσυφος. 中文句子没有空格而且很长。'.repeat(30) +
      '\u00a0non-breaking\u2003em space\u200bzero width\u00adsoft hyphen ' +
      'emoji 🧬🔬 and [SEP] [CLS] in user text. ',
    'one long word': `start ${'abcdefghij'.repeat(300)} and ${'x-y.'.repeat(400)} end`,
    'leading and trailing whitespace': '\n\n   First.\n\nSecond paragraph.  \n\n\n',
    // One atom per two characters, three times the one per six the atom columns were first sized for.
    'a table of one-digit numbers': Array.from({ length: 400 }, (_, row) =>
      Array.from({ length: 12 }, (_, column) => (row * 7 + column) % 10).join(' '),
    ).join('\n'),
  };
  for (const [name, source] of Object.entries(texts)) {
    for (const options of [
      {},
      { maxTokens: 16 },
      { maxTokens: 254, overlapTokens: 64 },
      { maxTokens: 64, overlapTokens: 16 },
    ]) {
      it(`${name}, ${JSON.stringify(options)}`, () => {
        const contentType = name.includes('markdown') ? 'text/markdown' : 'text/plain';
        const chunks = split(source, { ...options, contentType });
        expectSound(source, chunks, options.maxTokens ?? 128);
      });
    }
  }

  it('splitDocumentYielding gives the same chunks as splitDocument', async () => {
    const source = seedMarkdown(400);
    const options = { contentType: 'text/markdown' as const, overlapTokens: 16 };
    expect(await splitDocumentYielding(source, options, count)).toEqual(split(source, options));
  });
});

describe('splitDocument: breaks at the largest boundary that fits', () => {
  it('keeps a document that fits as one chunk, and gives none for text with no word piece', () => {
    expect(split('A short note.')).toEqual([
      { index: 0, start: 0, end: 13, text: 'A short note.', tokenCount: 4, headingPath: [] },
    ]);
    expect(split('')).toEqual([]);
    expect(split(' \n\t\u00a0 ')).toEqual([]);
    expect(split('\u200b\u200b')).toEqual([]);
  });

  it('ends chunks at paragraphs when paragraphs fit', () => {
    const paragraphs = generateSeedChunks(12, 21);
    const source = paragraphs.join('\n\n');
    const chunks = split(source, { maxTokens: 128 });
    expectSound(source, chunks, 128);
    const paragraphStarts = new Set(paragraphs.map((p) => source.indexOf(p)));
    for (const chunk of chunks) expect(paragraphStarts.has(chunk.start)).toBe(true);
    // Several paragraphs share a chunk where they fit together.
    expect(chunks.length).toBeLessThan(paragraphs.length);
  });

  it('cuts a paragraph too long for one chunk at sentences', () => {
    const source = generateSeedChunks(8, 4).join(' ');
    const chunks = split(source, { maxTokens: 64 });
    expectSound(source, chunks, 64);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks.slice(1))
      expect(source.slice(chunk.start - 2, chunk.start)).toMatch(/[.!?] $/);
  });

  it('cuts a sentence too long for one chunk at words, and a word only when it alone is too long', () => {
    const sentence = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const chunks = split(sentence, { maxTokens: 32 });
    expectSound(sentence, chunks, 32);
    for (const chunk of chunks.slice(1)) expect(sentence[chunk.start - 1]).toBe(' ');

    // 88 characters, 88 word pieces (a word of more than 100 characters would be one [UNK]).
    const word = 'qzxv'.repeat(22);
    const cut = split(`a ${word} b`, { maxTokens: 16 });
    expectSound(`a ${word} b`, cut, 16);
    expect(cut.length).toBeGreaterThan(1);
  });

  it('cuts a run of CJK text (no spaces) between ideographs', () => {
    const source = '研究表明温度升高会改变蛋白质的结构。'.repeat(40);
    const chunks = split(source, { maxTokens: 50 });
    expectSound(source, chunks, 50);
    expect(chunks.length).toBeGreaterThan(10);
  });
});

describe('splitDocument: markdown', () => {
  it('gives each chunk its heading path and never merges two sections', () => {
    const source = [
      '# Methods',
      'We sampled soil.',
      '## Sampling',
      'Cores were taken weekly.',
      '### Depth',
      'At 10 cm.',
      '## Analysis',
      'By mass spectrometry.',
      'Setext title\n============',
      'Under it.',
      '# Results',
      'It worked.',
    ].join('\n\n');
    const chunks = split(source, { contentType: 'text/markdown' });
    expectSound(source, chunks, 128);
    expect(chunks.map((c) => [c.headingPath, c.text.trim()])).toEqual([
      [['Methods'], '# Methods\n\nWe sampled soil.'],
      [['Methods', 'Sampling'], '## Sampling\n\nCores were taken weekly.'],
      [['Methods', 'Sampling', 'Depth'], '### Depth\n\nAt 10 cm.'],
      [['Methods', 'Analysis'], '## Analysis\n\nBy mass spectrometry.'],
      [['Setext title'], 'Setext title\n============\n\nUnder it.'],
      [['Results'], '# Results\n\nIt worked.'],
    ]);
  });

  it('never leaves a title alone: a chapter title leads its first section, a heading its first sentences', () => {
    const source =
      '# Methods\n\n## Sampling\n\nWe drew 400 water samples from 12 sites in May.\n\n## Analysis\n\nEach sample was filtered, dried and weighed twice.';
    const chunks = split(source, { contentType: 'text/markdown', maxTokens: 16 });
    expectSound(source, chunks, 16);
    expect(chunks.map((c) => [c.headingPath, c.start, c.end])).toEqual([
      [['Methods', 'Sampling'], 0, 73],
      [['Methods', 'Analysis'], 73, 136],
    ]);
    // A paragraph that fills a chunk by itself still takes its heading along, cut at a sentence.
    const long = generateSeedChunks(3, 6).join(' ');
    const section = `## Results\n\n${long}`;
    const cut = split(section, { contentType: 'text/markdown', maxTokens: 64 });
    expectSound(section, cut, 64);
    expect(cut[0]?.text.startsWith(`## Results\n\n${long.slice(0, 20)}`)).toBe(true);
  });

  it('reads no heading inside a code block, and cuts a long code block between lines', () => {
    const code = Array.from({ length: 60 }, (_, i) => `    value_${i} = compute(value_${i - 1}, ${i})`).join(
      '\n',
    );
    const source = `# Code\n\n\`\`\`python\n# not a heading\n${code}\n\`\`\`\n\nAfter the code.`;
    const chunks = split(source, { contentType: 'text/markdown', maxTokens: 100 });
    expectSound(source, chunks, 100);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.headingPath).toEqual(['Code']);
    // Every chunk after the first starts at the beginning of a line (after its indentation).
    for (const chunk of chunks.slice(1)) {
      const lineStart = source.lastIndexOf('\n', chunk.start - 1) + 1;
      expect(source.slice(lineStart, chunk.start).trim()).toBe('');
    }
  });

  it('treats markdown syntax as text in text/plain', () => {
    const chunks = split('# Not a heading\n\nText.', { contentType: 'text/plain' });
    expect(chunks.map((c) => c.headingPath)).toEqual([[]]);
  });
});

describe('splitDocument: overlap', () => {
  it('begins each chunk of a section with the end of the text before it, within overlapTokens', () => {
    const source = generateSeedChunks(40, 8).join('\n\n');
    const chunks = split(source, { maxTokens: 100, overlapTokens: 30 });
    expectSound(source, chunks, 100);
    for (const [before, chunk] of chunks.slice(1).map((c, i) => [chunks[i] as TextChunk, c] as const)) {
      expect(chunk.start).toBeLessThan(before.end);
      expect(chunk.start).toBeGreaterThanOrEqual(before.start);
      expect(count(source.slice(chunk.start, before.end))).toBeLessThanOrEqual(30);
    }
  });

  it('does not reach back across a heading', () => {
    const source = `# A\n\n${generateSeedChunks(3, 2).join(' ')}\n\n# B\n\nShort.`;
    const chunks = split(source, { contentType: 'text/markdown', maxTokens: 64, overlapTokens: 32 });
    const last = chunks.at(-1) as TextChunk;
    expect(last.text.startsWith('# B')).toBe(true);
  });
});

describe('splitDocument: an edit moves few boundaries', () => {
  it('re-posting a 200-chunk document with one paragraph changed changes few chunks', () => {
    const paragraphs = generateSeedChunks(280, 31);
    const build = (ps: readonly string[]) => ps.join('\n\n');
    const before = split(build(paragraphs));
    expect(before.length).toBeGreaterThanOrEqual(200);
    const texts = new Set(before.map((c) => c.text));
    const changed: number[] = [];
    for (let edit = 0; edit < 20; edit++) {
      const edited = paragraphs.slice();
      const k = (edit * 37) % paragraphs.length;
      edited[k] = generateSeedChunks(1, 1000 + edit)[0] as string;
      changed.push(split(build(edited)).filter((c) => !texts.has(c.text)).length);
    }
    // Measured with this fixture: at most 4, mean 1.45 (pure greedy merging: up to 7 here, 33 elsewhere).
    expect(Math.max(...changed)).toBeLessThanOrEqual(4);
    expect(changed.reduce((a, b) => a + b, 0) / changed.length).toBeLessThanOrEqual(1.5);
  });
});

describe('chunking options', () => {
  it.each([
    [{ maxTokens: 15 }, /maxTokens must be an integer from 16 to 254/],
    [{ maxTokens: 255 }, /maxTokens must be an integer from 16 to 254/],
    [{ maxTokens: 64.5 }, /maxTokens must be an integer/],
    [{ overlapTokens: -1 }, /overlapTokens must be an integer >= 0/],
    [{ maxTokens: 128, overlapTokens: 65 }, /at most half of maxTokens \(64/],
    [{ contentType: 'text/html' as never }, /contentType must be one of text\/plain, text\/markdown/],
  ])('refuses %j', (options, message) => {
    expect(() => split('Some text.', options)).toThrow(ChunkingOptionsError);
    expect(() => split('Some text.', options)).toThrow(message);
  });
});
