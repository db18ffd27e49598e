import type { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';

/** Longest wait between two reconnection attempts: a Redis server that comes back is used again within it. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 500;

/**
 * Reconnection delay after `attempt` failed attempts: quick at first, then steady at half a second for as long as
 * the outage lasts (ioredis' and Bull's defaults grow to 2 and 20 seconds, which delays recovery by as much).
 */
export function redisReconnectDelay(attempt: number): number {
  return Math.min(attempt * 50, REDIS_MAX_RECONNECT_DELAY_MS);
}

/**
 * Options of a connection whose commands serve HTTP requests: a command sent while Redis is unreachable fails
 * at the second failed reconnection attempt, within about a second (MaxRetriesPerRequestError, a 503 for the
 * client), instead of waiting in the offline queue until Redis returns; a blip that one reconnection repairs
 * fails nothing.
 */
export const FAIL_FAST_REDIS_OPTIONS = {
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  retryStrategy: redisReconnectDelay,
} satisfies RedisOptions;

/**
 * Logs a connection's outages without flooding the log: the first error after the connection was ready (each
 * reconnection attempt fails again while Redis is down), then the moment it is ready again.
 */
export function logConnectionState(client: Redis, logger: Logger, name: string): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(`${name}: Redis unavailable (${err.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log(`${name}: Redis connection restored`);
  });
}
