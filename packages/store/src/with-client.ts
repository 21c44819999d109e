import type pg from 'pg';

/**
 * Runs `use` with a client checked out of `pool` and releases it. While checked out, a client
 * whose connection drops between queries (PostgreSQL restarting while the caller awaits Redis,
 * say) emits 'error', and pg's pool listens only on idle clients: with no listener that error
 * would crash the process. Here it is caught; the next query on the client fails instead, and the
 * broken client is destroyed on release rather than returned to the pool.
 */
export async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    return await use(client);
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
}
