import { describe, expect, it } from 'vitest';
import { PROCESS_RUNTIMES, procfileCommand, runtimeEnv } from './process-runtime.js';

describe('procfileCommand', () => {
  it('sets the environment with env, then runs node with the flags before the script', () => {
    const runtime = { nodeFlags: ['--max-semi-space-size=2'], env: { A: '1', B: 'two' } };
    expect(procfileCommand(runtime, 'apps/worker/dist/main.js')).toEqual([
      'env',
      'A=1',
      'B=two',
      'node',
      '--max-semi-space-size=2',
      'apps/worker/dist/main.js',
    ]);
  });

  it('runs node directly when there is no environment to add', () => {
    expect(procfileCommand({ nodeFlags: [], env: {} }, 'main.js')).toEqual(['node', 'main.js']);
  });
});

describe('runtimeEnv', () => {
  it("adds the runtime's variables and keeps the rest of the environment", () => {
    const env = runtimeEnv(PROCESS_RUNTIMES.worker, { DATABASE_URL: 'postgres://db' });
    expect(env).toEqual({ ...PROCESS_RUNTIMES.worker.env, DATABASE_URL: 'postgres://db' });
  });

  it('leaves a variable the user set alone', () => {
    const env = runtimeEnv(PROCESS_RUNTIMES.worker, { MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe('131072');
  });
});
