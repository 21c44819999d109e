// onnx-proto is CommonJS; this is the one place that bridges it into ESM.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export const DataType = onnx.TensorProto.DataType;
