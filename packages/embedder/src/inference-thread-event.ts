import type { InferenceThreadEvent } from './interfaces.js';

/** One log line's words for an inference thread's death or replacement. */
export function describeInferenceThreadEvent(event: InferenceThreadEvent): string {
  switch (event.type) {
    case 'died':
      return `inference thread ${event.slot} died (${event.reason}); its batch fails and a new thread loads the model`;
    case 'replaced':
      return `inference thread ${event.slot} replaced in ${event.seconds.toFixed(1)} s`;
    case 'replace-failed':
      return `inference thread ${event.slot} could not be replaced (${event.reason}); the next batch tries again`;
  }
}

/** Deaths and failed restarts are errors for an operator; a replacement that worked is not. */
export function inferenceThreadEventLevel(event: InferenceThreadEvent): 'error' | 'info' {
  return event.type === 'replaced' ? 'info' : 'error';
}
