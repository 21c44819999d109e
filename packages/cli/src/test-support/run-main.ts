export { runCaptured as runMain } from '../run-captured.js';

/** A database that does not exist: a usage error must come before any connection. */
export const NO_DATABASE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
