import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from './graph-builder.js';
import { readInitializers } from './read-initializers.js';

describe('readInitializers', () => {
  it('gives back every constant of a built graph with its type and values, aligned or not', async () => {
    const g = new GraphBuilder();
    // Three bytes first, so the floats after them start at an offset no Float32Array can view.
    const bytes = g.constant('odd', [3], Int8Array.of(-1, 2, -3));
    const floats = g.constant('floats', [2, 2], Float32Array.of(0.5, -1.25, 3, 1e-7));
    const halves = g.constant('halves', [2], Uint16Array.of(0x3c00, 0xc000));
    const sum = g.op('Add', [floats, floats]);
    g.node('Identity', [sum], { outputs: ['out'] });
    void bytes;
    void halves;
    const dir = mkdtempSync(join(tmpdir(), 'embedq-initializers-'));
    try {
      const path = join(dir, 'graph.onnx');
      writeFileSync(
        path,
        g.toModelBytes({
          graphName: 'constants',
          docString: '',
          inputs: [],
          outputs: [{ name: 'out', elemType: DataType.FLOAT, shape: [2, 2] }],
          opsetVersion: 17,
          usesMicrosoftDomain: false,
        }),
      );
      const read = await readInitializers(path);
      expect(Object.keys(read).sort()).toEqual(['floats', 'halves', 'odd']);
      expect(read.odd).toEqual(Int8Array.of(-1, 2, -3));
      expect(read.floats).toEqual(Float32Array.of(0.5, -1.25, 3, 1e-7));
      expect(read.halves).toEqual(Uint16Array.of(0x3c00, 0xc000));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not an ONNX model with a message naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedq-initializers-'));
    try {
      const path = join(dir, 'not-a-model.onnx');
      writeFileSync(path, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
      await expect(readInitializers(path)).rejects.toThrow(/not-a-model.onnx holds no graph constants/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
