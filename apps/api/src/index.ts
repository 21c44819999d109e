export { API_ERRORS, ApiError, type ApiErrorCode } from './api-error.js';
export { API_EMBEDDER_LIMITS, type ApiRuntime, startApi } from './api-runtime.js';
export type { AppDeps } from './app-deps.js';
export { type BuildAppOptions, buildApp } from './build-app.js';
