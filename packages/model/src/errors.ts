/** The model cannot be built or verified; the message says what to do. */
export class ModelBuildError extends Error {
  override readonly name = 'ModelBuildError';
}
