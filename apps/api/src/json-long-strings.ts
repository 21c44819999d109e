/**
 * Long string values of a JSON body, decoded straight from its UTF-8 bytes.
 *
 * JSON.parse needs the whole body as a string first: for a 5 MiB document that is the body's bytes
 * (5 MB), the body decoded (10 MB of UTF-16 once one character is outside Latin-1) and the text
 * parsed out of it (10 MB more), all alive at once. Decoding the long strings from the bytes
 * instead, and parsing only the rest, keeps the bytes and the text: 10 MB less at the API's peak.
 */

/** A string value's contents in the body's bytes: from after its opening quote to its closing one. */
export interface LongString {
  readonly start: number;
  readonly end: number;
}

/** Where a body's long string values are, and how deep it nests objects and arrays. */
export interface BodyScan {
  readonly longStrings: readonly LongString[];
  readonly depth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds the string values (not keys) of at least `minBytes` bytes in JSON `bytes`, and how deep
 * objects and arrays nest outside strings (stopping early past `depthLimit`). A scan of the bytes
 * rather than a walk of the parsed value: what must be refused is refused before JSON.parse
 * builds it, and nothing later (schema validation, JSON.stringify of metadata) recurses deeper
 * than the limit. A string never closed ends the scan (JSON.parse then refuses the body).
 */
export function scanJsonBytes(bytes: Uint8Array, minBytes: number, depthLimit: number): BodyScan {
  const longStrings: LongString[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      const end = closingQuote(buffer, i + 1);
      if (end === -1) break;
      if (end - (i + 1) >= minBytes && !isKey(bytes, end + 1)) longStrings.push({ start: i + 1, end });
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > depthLimit) break;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return { longStrings, depth: deepest };
}

/** The closing quote of the string whose contents start at `from`: one after an even run of backslashes. */
function closingQuote(buffer: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const quote = buffer.indexOf(QUOTE, at);
    if (quote === -1) return -1;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && buffer[quote - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** Whether the string that closed just before `at` is an object key (a colon follows it). */
function isKey(bytes: Uint8Array, at: number): boolean {
  let i = at;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  ) {
    i++;
  }
  return bytes[i] === 0x3a;
}

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  34: 0x22, // \"
  92: 0x5c, // \\
  47: 0x2f, // \/
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
};

/**
 * Whether the contents of a string value in `bytes` (valid UTF-8) are ones this decoder takes:
 * no raw control character, only JSON's escapes, and `\u` escapes that name characters (a
 * surrogate only as half of a pair). Anything else goes to JSON.parse, which refuses what JSON
 * refuses and keeps lone surrogates for the route to refuse by name.
 */
export function isDecodable(bytes: Uint8Array, string: LongString): boolean {
  for (let i = string.start; i < string.end; i++) {
    const c = bytes[i] as number;
    if (c < 0x20) return false;
    if (c !== BACKSLASH) continue;
    const e = bytes[i + 1] as number;
    if (e === 0x75) {
      const unit = hex4(bytes, i + 2, string.end);
      if (unit === -1) return false;
      if (unit >= 0xdc00 && unit <= 0xdfff) return false;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = bytes[i + 6] === BACKSLASH && bytes[i + 7] === 0x75 ? hex4(bytes, i + 8, string.end) : -1;
        if (low < 0xdc00 || low > 0xdfff) return false;
        i += 11;
      } else {
        i += 5;
      }
    } else if (SIMPLE_ESCAPES[e] !== undefined) {
      i++;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * Decodes the contents of a string value in place: every escape becomes its UTF-8 (never longer
 * than the escape), and the decoded bytes make the string. Only for what isDecodable accepted;
 * the bytes are overwritten.
 */
export function decodeInPlace(bytes: Buffer, string: LongString): string {
  let w = string.start;
  for (let r = string.start; r < string.end; r++) {
    const c = bytes[r] as number;
    if (c !== BACKSLASH) {
      bytes[w++] = c;
      continue;
    }
    const e = bytes[r + 1] as number;
    if (e !== 0x75) {
      bytes[w++] = SIMPLE_ESCAPES[e] as number;
      r++;
      continue;
    }
    let point = hex4(bytes, r + 2, string.end);
    r += 5;
    if (point >= 0xd800 && point <= 0xdbff) {
      point = 0x10000 + ((point - 0xd800) << 10) + (hex4(bytes, r + 3, string.end) - 0xdc00);
      r += 6;
    }
    w = writeUtf8(bytes, w, point);
  }
  return bytes.toString('utf8', string.start, w);
}

function writeUtf8(bytes: Uint8Array, at: number, point: number): number {
  let w = at;
  if (point < 0x80) {
    bytes[w++] = point;
  } else if (point < 0x800) {
    bytes[w++] = 0xc0 | (point >> 6);
    bytes[w++] = 0x80 | (point & 0x3f);
  } else if (point < 0x10000) {
    bytes[w++] = 0xe0 | (point >> 12);
    bytes[w++] = 0x80 | ((point >> 6) & 0x3f);
    bytes[w++] = 0x80 | (point & 0x3f);
  } else {
    bytes[w++] = 0xf0 | (point >> 18);
    bytes[w++] = 0x80 | ((point >> 12) & 0x3f);
    bytes[w++] = 0x80 | ((point >> 6) & 0x3f);
    bytes[w++] = 0x80 | (point & 0x3f);
  }
  return w;
}

/** The four hex digits at `at` (before `end`) as a number, or -1. */
function hex4(bytes: Uint8Array, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let value = 0;
  for (let i = at; i < at + 4; i++) {
    const c = bytes[i] as number;
    const digit =
      c >= 0x30 && c <= 0x39
        ? c - 0x30
        : c >= 0x61 && c <= 0x66
          ? c - 0x57
          : c >= 0x41 && c <= 0x46
            ? c - 0x37
            : -1;
    if (digit === -1) return -1;
    value = (value << 4) | digit;
  }
  return value;
}
