import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from './own-services.js';
import { inCi, resolveServicesFrom, type ServiceResolution, servicesOrSkip } from './services.js';

// What decides whether the integration suites run, skip or fail. Nothing here needs the services.
const noDocker = async (): Promise<ServiceResolution> => ({
  available: false,
  reason: 'no Docker engine answered (stub)',
  fail: false,
});
const containersMustNotStart = async (): Promise<ServiceResolution> => {
  throw new Error('containers were tried');
};

describe('the integration suites’ services', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('knows CI by CI set to anything but empty, 0 or false', () => {
    for (const ci of ['true', '1', 'yes', 'TRUE']) expect(inCi({ CI: ci })).toBe(true);
    for (const ci of [undefined, '', '0', 'false', 'False']) expect(inCi({ CI: ci })).toBe(false);
  });

  it('in CI, a missing REDIS_URL or DATABASE_URL fails every suite instead of skipping it', async () => {
    const ci = { CI: 'true' };
    const none = await resolveServicesFrom(ci, containersMustNotStart);
    expect(none).toEqual({
      available: false,
      reason: 'REDIS_URL and DATABASE_URL not set: in CI (CI=true) the integration tests must run, not skip',
      fail: true,
    });
    const noDatabase = await resolveServicesFrom({ ...ci, DATABASE_URL: '' }, containersMustNotStart);
    expect(noDatabase).toMatchObject({ available: false, fail: true });
    expect(noDatabase.available ? '' : noDatabase.reason).toMatch(/^REDIS_URL and DATABASE_URL not set/);
    const noRedis = await resolveServicesFrom(
      { ...ci, DATABASE_URL: 'postgres://x/y' },
      containersMustNotStart,
    );
    expect(noRedis.available ? '' : noRedis.reason).toMatch(/^REDIS_URL not set/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(servicesOrSkip('a suite', Promise.resolve(none))).rejects.toThrow(
      /^\[a suite\] REDIS_URL and DATABASE_URL not set: in CI \(CI=true\) the integration tests must run/,
    );
    await expect(servicesOrSkip('a suite', Promise.resolve(noRedis))).rejects.toThrow(/REDIS_URL not set/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('set URLs that do not answer fail every suite, in CI or not, naming each without its password', async () => {
    const [redisPort, postgresPort] = await Promise.all([freePort(), freePort()]);
    const env = {
      REDIS_URL: `redis://:redis-secret@127.0.0.1:${redisPort}`,
      DATABASE_URL: `postgres://postgres:pg-secret@127.0.0.1:${postgresPort}/postgres`,
    };
    for (const ci of [{}, { CI: 'true' }]) {
      const resolution = await resolveServicesFrom({ ...env, ...ci }, containersMustNotStart);
      expect(resolution).toMatchObject({ available: false, fail: true });
      const reason = resolution.available ? '' : resolution.reason;
      expect(reason).toMatch(/REDIS_URL does not answer/);
      expect(reason).toMatch(/DATABASE_URL does not answer/);
      expect(reason).not.toMatch(/secret/);
      await expect(servicesOrSkip('a suite', Promise.resolve(resolution))).rejects.toThrow(
        /REDIS_URL does not answer/,
      );
    }
  });

  it('outside CI, with no URLs and no Docker, skips with the reason printed', async () => {
    const resolution = await resolveServicesFrom({}, noDocker);
    expect(resolution).toEqual({
      available: false,
      reason: 'REDIS_URL and DATABASE_URL not set and no Docker engine answered (stub)',
      fail: false,
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await servicesOrSkip('a suite', Promise.resolve(resolution))).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(`[a suite] SKIPPED: ${resolution.available ? '' : resolution.reason}`);
  });

  it.skipIf(!process.env.REDIS_URL || !process.env.DATABASE_URL)(
    'takes the set URLs when both answer',
    async () => {
      const resolution = await resolveServicesFrom(process.env, containersMustNotStart);
      expect(resolution).toMatchObject({
        available: true,
        urls: { redisUrl: process.env.REDIS_URL, databaseUrl: process.env.DATABASE_URL },
      });
    },
  );
});
