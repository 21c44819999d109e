/** `embed` or `embedStream` was called after `close()`. */
export class EmbedderClosedError extends Error {
  override readonly name = 'EmbedderClosedError';
  constructor() {
    super('the embedder is closed');
  }
}
