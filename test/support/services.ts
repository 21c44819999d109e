/**
 * The Redis and Postgres the integration tests use: `REDIS_URL` / `DATABASE_URL` when set (CI sets
 * them to the machine's services), otherwise containers from testcontainers when a Docker engine
 * is there, otherwise none, and the suites that need them are skipped with the reason printed.
 */

export interface ServiceUrls {
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export type ServiceResolution =
  | { readonly available: true; readonly urls: ServiceUrls; readonly stop: () => Promise<void> }
  | { readonly available: false; readonly reason: string };

let resolved: Promise<ServiceResolution> | undefined;

export function resolveServices(): Promise<ServiceResolution> {
  resolved ??= resolve();
  return resolved;
}

async function resolve(): Promise<ServiceResolution> {
  const redisUrl = process.env.REDIS_URL;
  const databaseUrl = process.env.DATABASE_URL;
  if (redisUrl !== undefined && databaseUrl !== undefined) {
    return { available: true, urls: { redisUrl, databaseUrl }, stop: async () => undefined };
  }
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const redis = await new GenericContainer('redis:7').withExposedPorts(6379).start();
    const postgres = await new GenericContainer('pgvector/pgvector:pg17')
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return {
      available: true,
      urls: {
        redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
        databaseUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
      },
      stop: async () => {
        await Promise.all([redis.stop(), postgres.stop()]);
      },
    };
  } catch (error) {
    return {
      available: false,
      reason: `REDIS_URL and DATABASE_URL are not set and no Docker engine answered (${(error as Error).message.split('\n')[0]})`,
    };
  }
}

/**
 * Resolves the services for a suite, or returns undefined after printing why the suite is skipped.
 * Use with top-level await: `const services = await servicesOrSkip('pipeline');`
 */
export async function servicesOrSkip(suite: string): Promise<ServiceUrls | undefined> {
  const resolution = await resolveServices();
  if (resolution.available) return resolution.urls;
  console.warn(`[${suite}] SKIPPED: ${resolution.reason}`);
  return undefined;
}
