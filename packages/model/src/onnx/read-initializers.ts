import { readFile } from 'node:fs/promises';
import { DataType, onnx } from './onnx-proto.js';
import type { TensorData } from './tensor.js';

/** A graph's constants by name, each a typed array of its element type. */
export type Initializers = Record<string, TensorData>;

const ARRAY_OF: Record<
  number,
  { bytes: number; make: (b: ArrayBuffer, offset: number, length: number) => TensorData }
> = {
  [DataType.FLOAT]: { bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  [DataType.INT8]: { bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  [DataType.UINT8]: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  [DataType.INT32]: { bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  [DataType.INT64]: { bytes: 8, make: (b, o, n) => new BigInt64Array(b, o, n) },
  [DataType.FLOAT16]: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
};

/**
 * The initializers of an ONNX graph embedq built (raw little-endian data, as `makeTensor` writes),
 * for engines that run the graph's arithmetic with kernels of their own. Each is a view into the
 * file's bytes where its offset suits its element type, else a copy (typed arrays need alignment):
 * the int8 weights, most of the file, are never copied.
 */
export async function readInitializers(path: string): Promise<Initializers> {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(await readFile(path));
  } catch (error) {
    throw new Error(
      `${path} is not an ONNX model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if ((model.graph?.initializer ?? []).length === 0) {
    throw new Error(`${path} holds no graph constants: not an ONNX model embedq built`);
  }
  const out: Initializers = {};
  for (const tensor of model.graph?.initializer ?? []) {
    const name = tensor.name ?? '';
    const type = ARRAY_OF[tensor.dataType ?? -1];
    const raw = tensor.rawData;
    if (type === undefined || raw === undefined || raw === null || raw.byteLength % type.bytes !== 0) {
      throw new Error(`${path}: initializer ${name} is not raw data of a known element type`);
    }
    const bytes = raw.byteOffset % type.bytes === 0 ? raw : new Uint8Array(raw);
    out[name] = type.make(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / type.bytes);
  }
  return out;
}
