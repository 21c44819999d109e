import { describe, expect, it } from 'vitest';
import { describeInferenceThreadEvent, logInferenceThreadEvents } from './inference-thread-event.js';
import type { InferenceThreadEvent } from './interfaces.js';

const died: InferenceThreadEvent = { type: 'died', slot: 1, reason: 'inference thread exited with code 3' };

describe('describeInferenceThreadEvent', () => {
  it('says which thread, what happened and what comes next', () => {
    expect(describeInferenceThreadEvent(died)).toBe(
      'inference thread 1 died (inference thread exited with code 3); its batch fails and a new thread loads the model',
    );
    expect(describeInferenceThreadEvent({ type: 'replaced', slot: 1, seconds: 1.234 })).toBe(
      'inference thread 1 replaced in 1.2 s',
    );
    expect(describeInferenceThreadEvent({ type: 'replace-failed', slot: 0, reason: 'no model' })).toBe(
      'inference thread 0 could not be replaced (no model); the next batch tries again',
    );
  });
});

describe('logInferenceThreadEvents', () => {
  it('logs deaths and failed restarts as errors, replacements as info, with the event as a field', () => {
    const lines: [string, object, string][] = [];
    const logger = {
      error: (fields: object, message: string) => lines.push(['error', fields, message]),
      info: (fields: object, message: string) => lines.push(['info', fields, message]),
    };
    const log = logInferenceThreadEvents(() => logger);
    const replaced: InferenceThreadEvent = { type: 'replaced', slot: 1, seconds: 1.5 };
    const failed: InferenceThreadEvent = { type: 'replace-failed', slot: 1, reason: 'no model' };
    for (const event of [died, failed, replaced]) log(event);
    expect(lines.map(([level, fields]) => [level, fields])).toEqual([
      ['error', { inferenceThread: died }],
      ['error', { inferenceThread: failed }],
      ['info', { inferenceThread: replaced }],
    ]);
    expect(lines[2]?.[2]).toBe('inference thread 1 replaced in 1.5 s');
  });

  it('drops an event that comes before there is a logger', () => {
    expect(() => logInferenceThreadEvents(() => undefined)(died)).not.toThrow();
  });
});
