import type pg from 'pg';

/**
 * Runs `use` with a client checked out of `pool` and releases it. While checked out, a client
 * whose connection drops between queries (PostgreSQL restarting while the caller awaits Redis,
 * say) emits 'error', and pg's pool listens only on idle clients: with no listener that error
 * would crash the process. Here it is caught; the next query on the client fails instead, and the
 * broken client is destroyed on release rather than returned to the pool, as is one whose query
 * was answered by a FATAL error.
 */
export async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  // A FATAL error answering a query (the backend terminated, the server shutting down) means the
  // backend is gone, but pg reports it to that query alone and keeps the client queryable until
  // the socket's end is read: released in that window, the dead client would go back to the pool.
  const onServerError = (message: { severity?: string }) => {
    if (lost === undefined && (message.severity === 'FATAL' || message.severity === 'PANIC')) {
      lost = new Error('the server ended this connection');
    }
  };
  client.on('error', onError);
  client.connection.on('errorMessage', onServerError);
  try {
    return await use(client);
  } catch (error) {
    // A query that timed out client-side (a server that stopped answering) is still outstanding
    // on the connection: the next query would queue behind it, and the server may yet run it (a
    // BEGIN would leave the connection in a transaction). Such a client is destroyed, not reused.
    if (lost === undefined && isQueryReadTimeout(error)) lost = error as Error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.connection.removeListener('errorMessage', onServerError);
    client.release(lost);
  }
}

/**
 * pg's client-side `query_timeout` fired: the server did not answer in time (it may be stalled)
 * and the connection still waits for that statement.
 */
export function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}
