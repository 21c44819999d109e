/** A column of a text table: its heading, and whether numbers line up on the right. */
export interface TableColumn {
  readonly heading: string;
  readonly align?: 'left' | 'right';
}

/**
 * Rows under their headings, each column as wide as its widest cell, indented by two spaces;
 * the last column is not padded, so no line ends in spaces.
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.heading.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `  ${columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        if (i === columns.length - 1 && c.align !== 'right') return cell;
        return c.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
      })
      .join('  ')
      .trimEnd()}\n`;
  return line(columns.map((c) => c.heading)) + rows.map(line).join('');
}
