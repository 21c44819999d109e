import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { parseEmbedArgs } from './embed.js';

const env = { modelDir: undefined, userCwd: '/work', debug: false, vars: {} };

describe('parseEmbedArgs', () => {
  it('defaults to int8 and stdin', () => {
    expect(parseEmbedArgs([], env)).toEqual({
      help: false,
      precision: 'int8',
      modelDir: undefined,
      texts: undefined,
    });
  });

  it('takes texts, precision and a model folder relative to the user cwd', () => {
    expect(parseEmbedArgs(['--precision', 'fp32', '--model-dir', 'm', 'hello', 'world'], env)).toEqual({
      help: false,
      precision: 'fp32',
      modelDir: '/work/m',
      texts: ['hello', 'world'],
    });
  });

  it('takes texts that look like options after --', () => {
    expect(parseEmbedArgs(['--', '-x', '--help'], env).texts).toEqual(['-x', '--help']);
  });

  it('uses EMBEDQ_MODEL_DIR when --model-dir is absent', () => {
    expect(parseEmbedArgs(['a'], { ...env, modelDir: '/models' }).modelDir).toBe('/models');
  });

  it.each([[['--precision', 'fp16', 'a']], [['--batch-size', '3', 'a']], [['--precision']]])(
    'rejects %j',
    (args) => {
      expect(() => parseEmbedArgs(args, env)).toThrow(UsageError);
    },
  );
});
