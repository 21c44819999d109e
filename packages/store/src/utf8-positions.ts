/**
 * The UTF-8 byte offset of each UTF-16 offset in `positions` of `text`, in one walk when the
 * positions do not go down (a document's chunk starts, or its ends). A position inside a
 * surrogate pair counts the pair whole; a lone surrogate counts as the 3 bytes of the U+FFFD it
 * is written as.
 */
export function utf8Positions(text: string, positions: readonly number[]): number[] {
  const bytes: number[] = [];
  let unit = 0;
  let byte = 0;
  for (const target of positions) {
    if (target < unit) {
      unit = 0;
      byte = 0;
    }
    while (unit < target && unit < text.length) {
      const c = text.charCodeAt(unit);
      if (c < 0x80) byte += 1;
      else if (c < 0x800) byte += 2;
      else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(unit + 1))) {
        byte += 4;
        unit++;
      } else byte += 3;
      unit++;
    }
    bytes.push(byte);
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
