import { describe, expect, it } from 'vitest';
import { describeInferenceThreadEvent, inferenceThreadEventLevel } from './inference-thread-event.js';

describe('describeInferenceThreadEvent', () => {
  it('says which thread, what happened and what comes next', () => {
    const died = { type: 'died', slot: 1, reason: 'inference thread exited with code 3' } as const;
    expect(describeInferenceThreadEvent(died)).toBe(
      'inference thread 1 died (inference thread exited with code 3); its batch fails and a new thread loads the model',
    );
    expect(describeInferenceThreadEvent({ type: 'replaced', slot: 1, seconds: 1.234 })).toBe(
      'inference thread 1 replaced in 1.2 s',
    );
    expect(describeInferenceThreadEvent({ type: 'replace-failed', slot: 0, reason: 'no model' })).toBe(
      'inference thread 0 could not be replaced (no model); the next batch tries again',
    );
    expect(inferenceThreadEventLevel(died)).toBe('error');
    expect(inferenceThreadEventLevel({ type: 'replaced', slot: 1, seconds: 1 })).toBe('info');
  });
});
