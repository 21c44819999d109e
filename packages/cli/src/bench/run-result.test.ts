import { describe, expect, it } from 'vitest';
import { currentRuntime } from './run-result.js';

describe('currentRuntime', () => {
  it("records the Node flags and only the environment's malloc tunables, sorted", () => {
    const runtime = currentRuntime(['--max-semi-space-size=2'], {
      PATH: '/usr/bin',
      MALLOC_MMAP_THRESHOLD_: '65536',
      MALLOC_ARENA_MAX: '2',
      DATABASE_URL: 'postgres://db',
    });
    expect(runtime).toEqual({
      nodeFlags: ['--max-semi-space-size=2'],
      env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' },
    });
  });

  it('records a plain process as no flags and no tunables', () => {
    expect(currentRuntime([], { HOME: '/root' })).toEqual({ nodeFlags: [], env: {} });
  });
});
