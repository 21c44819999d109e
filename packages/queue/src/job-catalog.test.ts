import { describe, expect, it } from 'vitest';
import { MalformedJobError } from './errors.js';
import { embedChunksJobId, parseEmbedChunksPayload, planJobs } from './job-catalog.js';
import { redisOptions } from './redis-options.js';

const BATCH = '2f1c6f0e-8d0b-4b8e-9a57-3f3c1e2d4a5b';

describe('planJobs', () => {
  it('covers every chunk once in ranges of at most jobChunks', () => {
    expect(planJobs(BATCH, 600, 256)).toEqual([
      { batchId: BATCH, from: 0, to: 256 },
      { batchId: BATCH, from: 256, to: 512 },
      { batchId: BATCH, from: 512, to: 600 },
    ]);
    expect(planJobs(BATCH, 256, 256)).toHaveLength(1);
    expect(planJobs(BATCH, 1, 256)).toEqual([{ batchId: BATCH, from: 0, to: 1 }]);
    expect(() => planJobs(BATCH, 10, 0)).toThrow(RangeError);
  });

  it('names jobs after their range, so the same range is one job', () => {
    expect(embedChunksJobId({ batchId: BATCH, from: 256, to: 512 })).toBe(`${BATCH}.256`);
  });
});

describe('parseEmbedChunksPayload', () => {
  it('accepts a valid payload and drops anything else', () => {
    expect(parseEmbedChunksPayload({ batchId: BATCH, from: 0, to: 3, text: 'x' })).toEqual({
      batchId: BATCH,
      from: 0,
      to: 3,
    });
  });

  it.each([
    ['not an object', 'x'],
    ['null', null],
    ['a bad batch id', { batchId: 'nope', from: 0, to: 1 }],
    ['a fractional index', { batchId: BATCH, from: 0.5, to: 1 }],
    ['an empty range', { batchId: BATCH, from: 3, to: 3 }],
    ['a negative start', { batchId: BATCH, from: -1, to: 1 }],
  ])('rejects %s as malformed', (_name, data) => {
    expect(() => parseEmbedChunksPayload(data)).toThrow(MalformedJobError);
  });
});

describe('redisOptions', () => {
  it('turns TLS on for rediss:// without verifying unless asked', () => {
    const options = redisOptions(
      { url: 'rediss://:p%40ss@redis.example:6380/2', tlsVerify: false },
      'consumer',
    );
    expect(options).toMatchObject({
      host: 'redis.example',
      port: 6380,
      password: 'p@ss',
      db: 2,
      tls: { rejectUnauthorized: false },
      maxRetriesPerRequest: null,
    });
    expect(redisOptions({ url: 'rediss://h', tlsVerify: true }, 'consumer').tls).toEqual({
      rejectUnauthorized: true,
    });
    expect(redisOptions({ url: 'redis://h', tlsVerify: false }, 'consumer').tls).toBeUndefined();
  });

  it('makes producers fail fast and consumers wait', () => {
    expect(redisOptions({ url: 'redis://h', tlsVerify: false }, 'producer').maxRetriesPerRequest).toBe(1);
    expect(redisOptions({ url: 'redis://h', tlsVerify: false }, 'consumer').maxRetriesPerRequest).toBeNull();
  });
});
