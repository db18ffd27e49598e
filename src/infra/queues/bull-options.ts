import type { BullRootModuleOptions } from '@nestjs/bull';
import type { RedisOptions } from 'ioredis';
import { FAIL_FAST_REDIS_OPTIONS } from '../redis/redis-options';

/** The connection fields of a `redis://` or `rediss://` URL, as ioredis takes them in an options object. */
export function redisConnectionOf(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1) || 0);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Options of every Bull queue. Each queue opens three connections: `client` (adding jobs, the Lua scripts),
 * `subscriber` and `bclient` (blocking reads), for which Bull sets maxRetriesPerRequest to null itself. With the
 * fail-fast options on `client`, adding a job while Redis is unreachable fails within about a second (a 503 for
 * the request) instead of waiting in ioredis' offline queue, and a job refused that way is never added later
 * behind the caller's back. The reconnection delay stays at half a second at most (Bull's default grows to 20 s),
 * so processing and delayed jobs resume soon after Redis returns. These are plain connection options rather than
 * a `createClient` factory: Bull closes only the connections it created itself when a queue closes.
 */
export function bullRootOptions(redisUrl: string, keyPrefix: string): BullRootModuleOptions {
  return {
    prefix: `${keyPrefix}:bull`,
    redis: { ...redisConnectionOf(redisUrl), ...FAIL_FAST_REDIS_OPTIONS },
  };
}
