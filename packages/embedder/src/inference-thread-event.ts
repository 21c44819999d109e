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

/** The part of a pino (or Fastify) logger the events need. */
export interface EventLineLogger {
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/**
 * An `onInferenceThread` that logs each event as one line with the event in the field
 * `inferenceThread`: a death or a failed restart as an error, a replacement as info. `logger` is
 * read at each event, so a process whose logger comes after its embedder can pass a getter.
 */
export function logInferenceThreadEvents(
  logger: () => EventLineLogger | undefined,
): (event: InferenceThreadEvent) => void {
  return (event) => {
    const level = event.type === 'replaced' ? 'info' : 'error';
    logger()?.[level]({ inferenceThread: event }, describeInferenceThreadEvent(event));
  };
}
