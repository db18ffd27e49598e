import Bull from 'bull';
import type { RedisOptions } from 'ioredis';
import { createServer } from 'node:net';
import { bullRootOptions, redisConnectionOf } from './bull-options';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('Bull options', () => {
  it('reads every connection field of a Redis URL', () => {
    expect(redisConnectionOf('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(redisConnectionOf('redis://redis')).toEqual({ host: 'redis', port: 6379 });
    expect(redisConnectionOf('rediss://ids:s%40cret@cache.example:6390/2')).toEqual({
      host: 'cache.example',
      port: 6390,
      username: 'ids',
      password: 's@cret',
      db: 2,
      tls: {},
    });
    expect(redisConnectionOf('redis://:pw@[::1]:7000/0')).toEqual({ host: '::1', port: 7000, password: 'pw' });
  });

  it('make adding a job fail within seconds while Redis is unreachable, and keep blocking connections patient', async () => {
    const options = bullRootOptions(`redis://127.0.0.1:${await closedPort()}`, 'spec');
    // disconnectTimeout 0: ioredis arms that timer even for a socket already closed, and it would outlive the test
    const queue = new Bull('fail-fast', { ...options, redis: { ...(options.redis as RedisOptions), disconnectTimeout: 0 } });
    queue.on('error', () => undefined);
    try {
      const started = Date.now();
      await expect(queue.add({ n: 1 })).rejects.toMatchObject({ name: 'MaxRetriesPerRequestError' });
      expect(Date.now() - started).toBeLessThan(3000);
      // Bull gives its blocking and subscriber connections no retry limit (they wait for Redis to return)
      expect((queue as unknown as { bclient: { options: { maxRetriesPerRequest: unknown } } }).bclient.options.maxRetriesPerRequest).toBeNull();
    } finally {
      await queue.close();
    }
  });
});
