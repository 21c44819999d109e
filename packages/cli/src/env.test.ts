import { describe, expect, it } from 'vitest';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('has local defaults', () => {
    expect(readEnv({}, '/repo')).toEqual({ modelDir: undefined, userCwd: '/repo', debug: false, vars: {} });
  });

  it('resolves EMBEDQ_MODEL_DIR against the directory pnpm was run from', () => {
    const vars = { EMBEDQ_MODEL_DIR: 'models/x', INIT_CWD: '/home/me', EMBEDQ_DEBUG: '1' };
    const env = readEnv(vars, '/repo');
    expect(env).toEqual({ modelDir: '/home/me/models/x', userCwd: '/home/me', debug: true, vars });
  });

  it('treats empty values as unset', () => {
    expect(readEnv({ EMBEDQ_MODEL_DIR: ' ', INIT_CWD: '', EMBEDQ_DEBUG: '' }, '/repo')).toEqual({
      modelDir: undefined,
      userCwd: '/repo',
      debug: false,
      vars: { EMBEDQ_MODEL_DIR: ' ', INIT_CWD: '', EMBEDQ_DEBUG: '' },
    });
  });
});
