/**
 * Bad command-line usage: an unknown command or option, a missing or malformed value.
 * The CLI prints the message and exits with code 2 (any other error exits with 1).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose `--help` the user should read; undefined for the top level. */
  readonly command: string | undefined;

  constructor(message: string, options: { command?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.command = options.command;
  }
}
