/** The Idempotency-Key was used before for a different request. */
export class IdempotencyConflictError extends Error {
  constructor(readonly key: string) {
    super(`the Idempotency-Key '${key}' was already used for a different request`);
    this.name = 'IdempotencyConflictError';
  }
}
