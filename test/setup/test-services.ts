import { Logger } from '@nestjs/common';
import { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureRedis, pingRedis } from '../../src/infra/redis/redis-bootstrap';
import { freePort } from '../utils/server-process';
import { testPgAdminUrl, TEST_REDIS_URL, uniqueName } from './test-database';

/** What the global setup started for the run, stopped by the global teardown (same process, hence globalThis). */
interface StartedServices {
  stops: (() => Promise<void>)[];
}
const KEY = '__idsTestServices';
const registry = globalThis as unknown as Record<string, StartedServices | undefined>;

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Uses the machine's PostgreSQL (TEST_PG_ADMIN_URL) and Redis (TEST_REDIS_URL) when they answer; otherwise starts
 * the embedded PostgreSQL the server itself defaults to, and `redis-server`, for the run. The embedded server's
 * admin URL replaces TEST_PG_ADMIN_URL in the environment the test workers inherit.
 */
export async function ensureTestServices(): Promise<void> {
  const started: StartedServices = { stops: [] };
  registry[KEY] = started;
  // the services' own start-up notes would interleave with Jest's output; the lines below say what was started
  Logger.overrideLogger(['error', 'warn']);
  const machineUrl = testPgAdminUrl();
  if (!(await postgresAnswers(machineUrl))) {
    const dir = join(tmpdir(), uniqueName('ids-test-pg'));
    const port = await freePort();
    const { startEmbeddedPostgres } = await import('../../src/database/embedded-postgres');
    // a crash of the machine is the only thing fsync=off risks, and the data is thrown away after the run
    const pg = await startEmbeddedPostgres(dir, port, ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']);
    started.stops.push(async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    process.env.TEST_PG_ADMIN_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    process.stdout.write(`\nNo PostgreSQL answers at ${new URL(machineUrl).host}: using an embedded PostgreSQL on port ${port}\n`);
  }
  if (!(await pingRedis(TEST_REDIS_URL))) {
    const dir = join(tmpdir(), uniqueName('ids-test-redis'));
    const child: ChildProcess | null = await ensureRedis(TEST_REDIS_URL, true, dir);
    started.stops.push(async () => {
      child?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    });
    process.stdout.write(`No Redis answered at ${new URL(TEST_REDIS_URL).host}: started redis-server there\n`);
  }
}

/** Stops what `ensureTestServices` started, in reverse order. */
export async function stopTestServices(): Promise<void> {
  const started = registry[KEY];
  registry[KEY] = undefined;
  for (const stop of (started?.stops ?? []).reverse()) await stop();
}
