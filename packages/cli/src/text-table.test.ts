import { describe, expect, it } from 'vitest';
import { renderTable } from './text-table.js';

describe('renderTable', () => {
  it('pads each column to its widest cell, numbers to the right, no trailing spaces', () => {
    expect(
      renderTable(
        [{ heading: 'ID', align: 'right' }, { heading: 'NAME' }, { heading: 'NOTE' }],
        [
          ['1', 'docs', 'active'],
          ['12', 'a', ''],
        ],
      ),
    ).toBe('  ID  NAME  NOTE\n   1  docs  active\n  12  a\n');
  });
});
