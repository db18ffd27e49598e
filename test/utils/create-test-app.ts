import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';

/**
 * This spec file's own Redis key prefix (under the run's): the apps of one file share queues, and no app picks up a
 * job another file queued, so that closing it never waits for someone else's long job.
 */
const FILE_REDIS_PREFIX = testRedisPrefix(
  `-${basename(expect.getState().testPath ?? 'spec').replace(/\.e2e-spec\.ts$/, '')}-${randomUUID().slice(0, 8)}`,
);

/** Configuration for an application under test: the run's own database, the file's Redis key prefix, quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the e2e specs through jest (global setup)');
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATABASE_MIGRATIONS_RUN: 'false',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: FILE_REDIS_PREFIX,
    REDIS_AUTOSTART: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // specs write rollups of 2001: an hourly prune falling inside a run must not delete them
    STATS_RETENTION_DAYS: '36500',
    ...overrides,
  });
}

/** A fully initialised application on the real PostgreSQL and Redis, ready for `app.inject()`. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const app = await createApp(testConfig(overrides));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, _reply, payload) => {
      if (typeof payload === 'string') (globalThis.__idsResponses ??= []).push(payload);
      return payload;
    });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The application listening on a free loopback port (for Socket.IO and HTTP clients); returns its base URL. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createApp(testConfig(overrides));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}
