import { ReembeddingError } from '@embedq/store';

/**
 * A refused request (ReembeddingError: the store changed nothing) written for people, with its
 * code for scripts; exit code 1. Any other error is thrown on, for main to report.
 */
export function reportRefusal(command: string, error: unknown, stderr: NodeJS.WritableStream): number {
  if (!(error instanceof ReembeddingError)) throw error;
  const unchanged = /nothing was/.test(error.message) ? '' : '; nothing was changed';
  stderr.write(`embedq: ${command}: refused (${error.code}): ${error.message}${unchanged}\n`);
  return 1;
}
