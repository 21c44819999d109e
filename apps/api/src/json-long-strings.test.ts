import { describe, expect, it } from 'vitest';
import { decodeInPlace, isDecodable, scanJsonBytes } from './json-long-strings.js';

/** Every long string value of `json` decoded from its bytes, as the parser does. */
function decodedValues(json: string, minBytes = 8): (string | undefined)[] {
  const bytes = Buffer.from(json, 'utf8');
  return scanJsonBytes(bytes, minBytes, 32).longStrings.map((s) =>
    isDecodable(bytes, s) ? decodeInPlace(bytes, s) : undefined,
  );
}

describe('scanJsonBytes', () => {
  it('finds long string values, not keys or short strings', () => {
    const json = '{"a long key, not a value": "a long value here", "b": "short", "c": ["another long one"]}';
    const bytes = Buffer.from(json);
    const found = scanJsonBytes(bytes, 10, 32).longStrings.map((s) => bytes.toString('utf8', s.start, s.end));
    expect(found).toEqual(['a long value here', 'another long one']);
  });

  it('ends a string at the first quote after an even run of backslashes', () => {
    const json = JSON.stringify({ text: 'say \\"no\\" and \\\\ then "quoted"', n: 1 });
    expect(decodedValues(json)).toEqual(['say \\"no\\" and \\\\ then "quoted"']);
  });

  it('counts objects and arrays, not brackets inside strings', () => {
    const depth = (json: string) => scanJsonBytes(Buffer.from(json), 100, 32).depth;
    expect(depth('1')).toBe(0);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('{"a":"[[[{{{"}')).toBe(1);
    expect(depth('["\\"[[[", "\\\\", [2]]')).toBe(2);
    expect(depth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
  });

  it('stops counting past the limit', () => {
    expect(scanJsonBytes(Buffer.from('['.repeat(1_000_000)), 100, 32).depth).toBe(33);
  });

  it('ends the scan at a string never closed, with what it found before it', () => {
    const unclosed = Buffer.from('[{"text": "a long closed value"}, "no end');
    expect(scanJsonBytes(unclosed, 4, 32)).toEqual({ longStrings: [{ start: 11, end: 30 }], depth: 2 });
    expect(scanJsonBytes(Buffer.from('{"text": "escaped end\\"}'), 4, 32)).toEqual({
      longStrings: [],
      depth: 1,
    });
  });
});

describe('decodeInPlace', () => {
  it('decodes what JSON.parse decodes, for every escape and character width', () => {
    const samples = [
      'plain ASCII text, long enough',
      'line one\nline two\r\n\ttabbed \b\f and a slash / and \\ and "quotes"',
      'Greek αβγ, µ, ±0.5 °C, “curly” — and CJK 漢字 at three bytes',
      'astral: 𝑥² + 🧬 = 𝔽, a pair at the very end 🧬',
      `control escapes \u0000\u0001\u001f and DEL \u007f`,
    ];
    for (const text of samples) {
      // JSON.stringify leaves non-ASCII as it is; the \\u form is tested with escapes of every kind.
      const escaped = JSON.stringify(text).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      for (const json of [`{"text": ${JSON.stringify(text)}}`, `{"text": ${escaped}}`]) {
        expect(decodedValues(json)).toEqual([JSON.parse(json).text]);
      }
    }
  });

  it('agrees with JSON.parse on random strings of escapes and characters', () => {
    const pieces = [
      'a',
      'é',
      'α',
      '漢',
      '🧬',
      '\\n',
      '\\"',
      '\\\\',
      '\\/',
      '\\u00e9',
      '\\u6F22',
      '\\ud83e\\uddec',
      ' ',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 300; round++) {
      const length = 8 + (next() % 200);
      const body = Array.from({ length }, () => pieces[next() % pieces.length]).join('');
      const json = `{"documentId":"d","text":"${body}"}`;
      expect(decodedValues(json)).toEqual([JSON.parse(json).text]);
    }
  });

  it('leaves to JSON.parse what it does not take: raw control characters, bad escapes, lone surrogates', () => {
    for (const inner of [
      'tab\there raw',
      'bad \\x escape',
      'short \\u12 hex',
      'lone \\ud83e high',
      'lone \\udc00 low',
      'high then \\ud83e\\u0041',
    ]) {
      expect(decodedValues(`{"text": "${inner}"}`, 4)).toEqual([undefined]);
    }
  });
});
