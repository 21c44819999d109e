import { readFile } from 'node:fs/promises';
import { DataType, onnx } from './onnx-proto.js';
import type { TensorData } from './tensor.js';

/** A graph's constants by name, each copied into a typed array of its element type. */
export type Initializers = Record<string, TensorData>;

const ARRAY_OF: Record<number, (bytes: ArrayBuffer) => TensorData> = {
  [DataType.FLOAT]: (b) => new Float32Array(b),
  [DataType.INT8]: (b) => new Int8Array(b),
  [DataType.UINT8]: (b) => new Uint8Array(b),
  [DataType.INT32]: (b) => new Int32Array(b),
  [DataType.INT64]: (b) => new BigInt64Array(b),
  [DataType.FLOAT16]: (b) => new Uint16Array(b),
};

/**
 * The initializers of an ONNX graph embedq built (raw little-endian data, as `makeTensor` writes),
 * for engines that run the graph's arithmetic with kernels of their own.
 */
export async function readInitializers(path: string): Promise<Initializers> {
  const model = onnx.ModelProto.decode(await readFile(path));
  const out: Initializers = {};
  for (const tensor of model.graph?.initializer ?? []) {
    const name = tensor.name ?? '';
    const make = ARRAY_OF[tensor.dataType ?? -1];
    const raw = tensor.rawData;
    if (make === undefined || raw === undefined || raw === null) {
      throw new Error(`${path}: initializer ${name} is not raw data of a known element type`);
    }
    // A copy (`new Uint8Array` copies; a Buffer's slice would not): the raw bytes sit at any offset of
    // the file's buffer, and typed arrays need alignment.
    out[name] = make(new Uint8Array(raw).buffer);
  }
  return out;
}
