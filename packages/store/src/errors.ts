/** The Idempotency-Key was used before for a different request. */
export class IdempotencyConflictError extends Error {
  constructor(readonly key: string) {
    super(`the Idempotency-Key '${key}' was already used for a different request`);
    this.name = 'IdempotencyConflictError';
  }
}

/** A namespace's vectors come from another model identity than the one asked to compare with. */
export class ModelMismatchError extends Error {
  constructor(
    readonly namespace: string,
    readonly activeIdentity: string,
  ) {
    super(
      `namespace '${namespace}' holds vectors of ${activeIdentity}, not of the model this server embeds queries with`,
    );
    this.name = 'ModelMismatchError';
  }
}
