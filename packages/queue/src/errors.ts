/** A job whose payload is not an EmbedChunksPayload: retrying cannot help. */
export class MalformedJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedJobError';
  }
}
