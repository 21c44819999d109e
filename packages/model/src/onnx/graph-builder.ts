import { DataType, type NodeProto, onnx, type TensorProto } from './onnx-proto.js';
import { makeTensor, type TensorData } from './tensor.js';

export type AttributeValue = number | number[] | string | { float: number };

export interface ValueInfo {
  readonly name: string;
  readonly elemType: number;
  /** A number is a fixed dimension, a string a named symbolic one. */
  readonly shape: readonly (number | string)[];
}

export const MICROSOFT_DOMAIN = 'com.microsoft';

/**
 * Accumulates nodes and initializers in insertion order, so the same calls always serialise to
 * the same bytes (the model build must be deterministic).
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** Adds a constant tensor and returns its name. */
  constant(name: string, dims: readonly number[], data: TensorData): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, dims, data));
    return name;
  }

  /** Adds one node; returns its output names (generated from `label` when not given). */
  node(
    opType: string,
    inputs: readonly string[],
    options: {
      label?: string;
      outputs?: readonly string[];
      outputCount?: number;
      attributes?: Record<string, AttributeValue>;
      domain?: string;
    } = {},
  ): string[] {
    const label = options.label ?? opType;
    const outputs =
      options.outputs ??
      Array.from({ length: options.outputCount ?? 1 }, (_, i) => `${label}_${this.counter}_out${i}`);
    for (const output of outputs) this.claim(output);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: `${label}_${this.counter++}`,
        input: [...inputs],
        output: [...outputs],
        domain: options.domain ?? '',
        attribute: Object.entries(options.attributes ?? {}).map(([key, value]) => attribute(key, value)),
      }),
    );
    return [...outputs];
  }

  /** The one-output case of `node`. */
  op(opType: string, inputs: readonly string[], options: Parameters<GraphBuilder['node']>[2] = {}): string {
    return this.node(opType, inputs, options)[0]!;
  }

  toModelBytes(args: {
    graphName: string;
    inputs: readonly ValueInfo[];
    outputs: readonly ValueInfo[];
    docString: string;
    opsetVersion: number;
    usesMicrosoftDomain: boolean;
  }): Uint8Array {
    const graph = onnx.GraphProto.create({
      name: args.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: args.inputs.map(valueInfo),
      output: args.outputs.map(valueInfo),
    });
    const opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: args.opsetVersion })];
    if (args.usesMicrosoftDomain) {
      opsetImport.push(onnx.OperatorSetIdProto.create({ domain: MICROSOFT_DOMAIN, version: 1 }));
    }
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'embedq',
      producerVersion: '1',
      docString: args.docString,
      graph,
      opsetImport,
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`graph value ${name} is defined twice`);
    this.names.add(name);
  }
}

function attribute(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({
      name,
      type: AttributeType.STRING,
      s: new TextEncoder().encode(value),
    });
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  }
  if (Array.isArray(value))
    return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: value });
  return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
}

function valueInfo(info: ValueInfo): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name: info.name,
    type: {
      tensorType: {
        elemType: info.elemType,
        shape: {
          dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
}

export { DataType };
