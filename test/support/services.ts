/**
 * The Redis and Postgres the integration tests use: `REDIS_URL` / `DATABASE_URL` when set (CI sets
 * them to the machine's services), otherwise containers from testcontainers when a Docker engine
 * is there, otherwise none, and the suites that need them are skipped with the reason printed.
 * Only that last case skips, and only outside CI: in CI (`CI` set, as in `CI=true bash .ci/run`)
 * both URLs must be set, and set URLs must answer, or every suite that needs them fails.
 */
import { redisOptions } from '@embedq/queue';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface ServiceUrls {
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export type ServiceResolution =
  | { readonly available: true; readonly urls: ServiceUrls; readonly stop: () => Promise<void> }
  | {
      readonly available: false;
      readonly reason: string;
      /** The suites fail rather than skip: URLs were given and do not answer, or this is CI. */
      readonly fail: boolean;
    };

type Env = Readonly<Record<string, string | undefined>>;

/** True in CI: `CI` set to anything but empty, `0` or `false` (GitHub Actions and others set `CI=true`). */
export function inCi(env: Env = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

let resolved: Promise<ServiceResolution> | undefined;

export function resolveServices(): Promise<ServiceResolution> {
  resolved ??= resolveServicesFrom(process.env);
  return resolved;
}

/**
 * Where the services are for this environment. Given URLs are checked to answer (one that does
 * not, a typo or a server down, fails the suites with the reason); without them, CI has none, and
 * elsewhere `startContainers` is tried.
 */
export async function resolveServicesFrom(
  env: Env,
  startContainers: () => Promise<ServiceResolution> = startTestContainers,
): Promise<ServiceResolution> {
  // Set but empty counts as not set.
  const redisUrl = env.REDIS_URL || undefined;
  const databaseUrl = env.DATABASE_URL || undefined;
  if (redisUrl !== undefined && databaseUrl !== undefined) {
    const problems = (await Promise.all([redisAnswers(redisUrl), postgresAnswers(databaseUrl)])).filter(
      (p) => p !== undefined,
    );
    // Set URLs mean the suites are meant to run, in CI or not: one that does not answer fails them.
    if (problems.length > 0) return { available: false, reason: problems.join('; '), fail: true };
    return { available: true, urls: { redisUrl, databaseUrl }, stop: async () => undefined };
  }
  const missing = [redisUrl === undefined ? 'REDIS_URL' : [], databaseUrl === undefined ? 'DATABASE_URL' : []]
    .flat()
    .join(' and ');
  if (inCi(env)) {
    const reason = `${missing} not set: in CI (CI=${env.CI}) the integration tests must run, not skip`;
    return { available: false, reason, fail: true };
  }
  const containers = await startContainers();
  return containers.available
    ? containers
    : { available: false, reason: `${missing} not set and ${containers.reason}`, fail: false };
}

/** Undefined when Redis at `url` answers PING within 5 s, else why not (never the URL: it may hold a password). */
async function redisAnswers(url: string): Promise<string | undefined> {
  let redis: Redis | undefined;
  // ioredis rejects with 'Connection is closed.'; the cause (ECONNREFUSED …) comes as an event.
  let cause: Error | undefined;
  try {
    redis = new Redis({
      ...redisOptions({ url, tlsVerify: false }, 'producer'),
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', (error: Error) => {
      cause ??= error;
    });
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `REDIS_URL does not answer (${(cause ?? (error as Error)).message})`;
  } finally {
    redis?.disconnect();
  }
}

/** Undefined when PostgreSQL at `url` answers a query within 5 s, else why not. */
async function postgresAnswers(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `DATABASE_URL does not answer (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startTestContainers(): Promise<ServiceResolution> {
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
      reason: `no Docker engine answered (${(error as Error).message.split('\n')[0]})`,
      fail: false,
    };
  }
}

/**
 * Resolves the services for a suite, or returns undefined after printing why the suite is skipped.
 * It throws instead, so the file and the run fail, in CI or when given URLs do not answer.
 * Use with top-level await: `const services = await servicesOrSkip('pipeline');`
 */
export async function servicesOrSkip(
  suite: string,
  resolution: Promise<ServiceResolution> = resolveServices(),
): Promise<ServiceUrls | undefined> {
  const services = await resolution;
  if (services.available) return services.urls;
  if (services.fail) throw new Error(`[${suite}] ${services.reason}`);
  console.warn(`[${suite}] SKIPPED: ${services.reason}`);
  return undefined;
}
