import { DataType, onnx, type TensorProto } from './onnx-proto.js';

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array;

/** Which ONNX element type a typed array is stored as. Uint16Array carries raw float16 bits. */
function dataTypeOf(data: TensorData): number {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int8Array) return DataType.INT8;
  if (data instanceof Uint8Array) return DataType.UINT8;
  if (data instanceof Int32Array) return DataType.INT32;
  if (data instanceof BigInt64Array) return DataType.INT64;
  return DataType.FLOAT16;
}

/** An initializer stored as little-endian raw bytes (this machine is little-endian, as is ONNX's raw_data). */
export function makeTensor(name: string, dims: readonly number[], data: TensorData): TensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`tensor ${name}: ${data.length} values do not fill dims [${dims.join(', ')}]`);
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: dataTypeOf(data),
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}
