import { Logger } from '@nestjs/common';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import Redis from 'ioredis';

const logger = new Logger('RedisBootstrap');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export class RedisUnavailableError extends Error {}

/** Pings the Redis server at `url` once, with a short timeout. */
export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure a Redis server answers at `url`. When none does, the URL points at this machine and
 * `redis-server` is installed, one is started as a child process with its data (append-only file) under
 * `dataDir`; otherwise start-up stops with a message that says what to install or set.
 */
export async function ensureRedis(url: string, autostart: boolean, dataDir: string): Promise<ChildProcess | null> {
  if (await pingRedis(url)) return null;
  const parsed = new URL(url);
  const local = LOCAL_HOSTS.has(parsed.hostname);
  if (!autostart || !local || !redisServerOnPath()) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${parsed.host}. Start a Redis server there, set REDIS_URL to one that runs, ` +
        `or install redis-server (e.g. apt-get install redis-server) so the service can start its own.`,
    );
  }
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const port = parsed.port || '6379';
  logger.log(`Starting redis-server on 127.0.0.1:${port} (data in ${dir})`);
  const child = spawn(
    'redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 500)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new RedisUnavailableError(`redis-server was started on port ${port} but does not answer`);
}
