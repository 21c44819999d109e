import { describe, expect, it } from 'vitest';
import { capitalise } from './text.js';

describe('capitalise', () => {
  it('capitalises a plain lower-case first word', () => {
    expect(capitalise('western blotting revealed')).toBe('Western blotting revealed');
  });

  it('leaves words with their own capitals or digits alone', () => {
    expect(capitalise('mTORC1 knockdown')).toBe('mTORC1 knockdown');
    expect(capitalise('p53 levels')).toBe('p53 levels');
    expect(capitalise('α-synuclein')).toBe('α-synuclein');
  });
});
