import { readFileSync } from 'node:fs';

/** One tensor of a safetensors file, converted to float32 (or int64 kept as bigint). */
export interface SafeTensor {
  readonly name: string;
  readonly dtype: 'F16' | 'F32' | 'I64';
  readonly shape: readonly number[];
  /** Values as float32 for F16/F32 tensors. Empty for I64 tensors. */
  readonly data: Float32Array;
  /** The tensor's bytes exactly as stored (little-endian). */
  readonly raw: Uint8Array;
}

export class SafetensorsFormatError extends Error {
  override readonly name = 'SafetensorsFormatError';
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES_PER_ELEMENT: Record<string, number> = { F16: 2, F32: 4, I64: 8 };

/** IEEE 754 half -> float32, exact (every half is representable as a float). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Parses a safetensors file (8-byte little-endian header length, JSON header, raw data)
 * and returns its tensors by name. Validates offsets so a truncated file fails loudly.
 */
export function readSafetensors(path: string): Map<string, SafeTensor> {
  const bytes = readFileSync(path);
  return parseSafetensors(bytes, path);
}

export function parseSafetensors(bytes: Uint8Array, label = 'safetensors'): Map<string, SafeTensor> {
  if (bytes.byteLength < 8) throw new SafetensorsFormatError(`${label}: file is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.byteLength) {
    throw new SafetensorsFormatError(`${label}: header length ${headerLength} does not fit the file`);
  }
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new SafetensorsFormatError(`${label}: header is not valid JSON`, { cause });
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, SafeTensor>();
  for (const [name, headerValue] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = headerValue as HeaderEntry;
    const width = BYTES_PER_ELEMENT[entry.dtype];
    if (width === undefined)
      throw new SafetensorsFormatError(`${label}: ${name} has unsupported dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * width || dataStart + end > bytes.byteLength) {
      throw new SafetensorsFormatError(`${label}: ${name} data is truncated or has the wrong size`);
    }
    const data = new Float32Array(entry.dtype === 'I64' ? 0 : count);
    const base = dataStart + begin;
    if (entry.dtype === 'F16') {
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(base + 2 * i, true));
    } else if (entry.dtype === 'F32') {
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(base + 4 * i, true);
    }
    const raw = bytes.subarray(base, base + count * width);
    tensors.set(name, { name, dtype: entry.dtype as SafeTensor['dtype'], shape: entry.shape, data, raw });
  }
  return tensors;
}
