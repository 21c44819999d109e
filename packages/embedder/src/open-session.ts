import type { Engine } from './interfaces.js';
import { ModelSession } from './model-session.js';
import { NativeSession } from './native-session.js';

export type Session = ModelSession | NativeSession;

/** A session of `engine`: what an inference thread, or an embedder of one session, runs batches on. */
export function openSession(options: {
  readonly engine: Engine;
  readonly modelPath: string;
  /** ONNX Runtime's intra-op threads; the native engine runs one. */
  readonly threads: number;
  readonly profilePrefix: string | undefined;
}): Promise<Session> {
  const { engine, modelPath, threads, profilePrefix } = options;
  return engine === 'native'
    ? NativeSession.open(modelPath, profilePrefix === undefined ? {} : { profilePrefix })
    : ModelSession.open({ modelPath, threads, profilePrefix });
}
