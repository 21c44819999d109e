import { describe, expect, it } from 'vitest';
import { escapeXml, niceAxis, renderSvg } from './report-svg.js';
import { fixtureReport } from './test-support/matrix-report.js';

/** Every opened element is closed, in order (the SVG has no comments, CDATA or processing instructions). */
function expectBalanced(svg: string): void {
  const stack: string[] = [];
  for (const [tag] of svg.matchAll(/<\/?[a-zA-Z][^>]*>/g)) {
    if (tag.endsWith('/>')) continue;
    const name = /^<\/?([a-zA-Z]+)/.exec(tag)?.[1] ?? '';
    if (tag.startsWith('</')) expect(stack.pop(), tag).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe('renderSvg', () => {
  it('is one well-nested svg element with a title and a description', async () => {
    const svg = renderSvg(await fixtureReport());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/<title id="title">embedq embedding performance \(int8\)<\/title>/);
    expect(svg).toContain('<desc id="desc">embedq 10k b32:');
    expectBalanced(svg);
  });

  it('draws a throughput panel and a peak RSS panel, each with every cell, the peer and PyTorch', async () => {
    const svg = renderSvg(await fixtureReport());
    expect(svg.match(/<g class="panel">/g)).toHaveLength(2);
    expect(svg.match(/class="bar embedq"/g)).toHaveLength(12);
    expect(svg.match(/class="bar peer"/g)).toHaveLength(2);
    expect(svg.match(/class="bar baseline"/g)).toHaveLength(2);
    expect(svg.match(/class="whisker"/g)).toHaveLength(14);
    expect(svg.match(/class="target"/g)).toHaveLength(2);
    expect(svg).toMatch(/>target<\/text>\n<text [^>]*>110 chunks\/s<\/text>/);
    expect(svg).toMatch(/>limit<\/text>\n<text [^>]*>300 MB<\/text>/);
    expect(svg).toContain('>transformers.js</text>');
    expect(svg).toContain('>PyTorch fp32</text>');
    expect(svg).toContain('>103.0</text>');
    expect(svg).toContain('>403</text>');
  });

  it('puts the target line at the target value on the axis', async () => {
    const svg = renderSvg(await fixtureReport());
    const lines = [...svg.matchAll(/class="target" x1="[\d.]+" y1="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(lines).toHaveLength(2);
    // Panel 1 plots 0..axis between y=344 and y=104; its highest whisker is 10k b128's 112 chunks/s.
    const axis = niceAxis(112 * 1.08).max;
    expect(lines[0]).toBeCloseTo(344 - (240 * 110) / axis, 0);
  });

  it('omits the peer when it did not run', async () => {
    const svg = renderSvg(await fixtureReport({ peer: false }));
    expect(svg).not.toContain('class="bar peer"');
    expect(svg).not.toContain('transformers.js');
  });
});

describe('niceAxis', () => {
  it('rounds up to a 1-2-5 step', () => {
    expect(niceAxis(118.8)).toEqual({ max: 125, step: 25 });
    expect(niceAxis(453)).toEqual({ max: 500, step: 100 });
    expect(niceAxis(3)).toEqual({ max: 3, step: 1 });
    expect(niceAxis(0)).toEqual({ max: 1, step: 0.2 });
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
