import { randomBytes } from 'node:crypto';
import { redisOptions } from '@embedq/queue';
import { Redis } from 'ioredis';

/** A BullMQ key prefix of the test's own, and a way to delete every key under it afterwards. */
export function uniqueQueuePrefix(): string {
  return `embedq-test-${randomBytes(5).toString('hex')}`;
}

export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisOptions({ url: redisUrl, tlsVerify: false }, 'producer'));
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
