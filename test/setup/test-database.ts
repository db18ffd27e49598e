import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';

/**
 * The PostgreSQL server the tests use (each run creates its own database on it): the machine's, or the embedded
 * one the global setup starts when none answers there (it then sets TEST_PG_ADMIN_URL).
 */
export function testPgAdminUrl(): string {
  return process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The run's Redis key prefix (set by the global setup), or `<run prefix><suffix>` for an app that needs keys of
 * its own: everything under it is deleted by the global teardown.
 */
export function testRedisPrefix(suffix = ''): string {
  return `${process.env.TEST_REDIS_PREFIX ?? 'ids-test'}${suffix}`;
}

/** Deletes the keys matching `pattern` on the test Redis (SCAN, then UNLINK in pages); returns how many. */
export async function deleteRedisKeys(pattern: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(testPgAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A client on the run's shared test database for a spec's own queries: connected before the spec's tests, ended
 * after them.
 */
export function sharedDatabaseClient(): Client {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());
  return client;
}

export async function createDatabase(name: string): Promise<string> {
  const client = new Client({ connectionString: testPgAdminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: testPgAdminUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function runMigrations(url: string): Promise<void> {
  const ds = new DataSource(buildDataSourceOptions(url, 2));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
