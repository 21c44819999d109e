/** Why a re-embedding or prune request was refused; nothing was changed. */
export type ReembeddingErrorCode =
  | 'unknown_identity'
  | 'unknown_namespace'
  | 'already_active'
  | 'reembedding_open'
  | 'no_reembedding'
  | 'identity_in_use';

export class ReembeddingError extends Error {
  constructor(
    readonly code: ReembeddingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReembeddingError';
  }
}
