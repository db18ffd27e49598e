import * as http from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { createDatabase, deleteRedisKeys, dropDatabase, runMigrations, uniqueName } from '../test/setup/test-database';

export interface BenchServer {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the API on a database and Redis key prefix of its own (on the machine's PostgreSQL and Redis, removed at
 * close).
 */
export async function startBenchServer(overrides: Record<string, string> = {}): Promise<BenchServer> {
  const name = uniqueName('ids_bench');
  const dbUrl = await createDatabase(name);
  await runMigrations(dbUrl);
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    DATABASE_URL: dbUrl,
    DATABASE_MIGRATIONS_RUN: 'false',
    DATABASE_POOL_SIZE: '12',
    REDIS_KEY_PREFIX: name,
    REDIS_AUTOSTART: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    INGEST_STREAM_ENABLED: 'false',
    // the benchmarks measure the service, not the host's firewall
    FIREWALL_DRIVER: 'dry-run',
    ...overrides,
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await dropDatabase(name);
      await deleteRedisKeys(`${name}:*`);
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Sends a request (with `body`, if any) and resolves with the status and the response body. Plain node:http on
 * keep-alive connections: the load generator shares the machine's cores with the server, and fetch's web
 * streams cost it several times more CPU per request, which would also be counted in measured latencies.
 */
export function httpRequest(
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request(url, { method, agent: keepAlive, headers: { ...headers, ...length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runConcurrent(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

/** CPU seconds (user + system) that process `pid` has used, from /proc; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every PostgreSQL process on the machine (the server and its backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) total += processCpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** A memory figure of a process from /proc (Linux), in bytes: `VmRSS` (resident now) or `VmHWM` (peak resident). */
export function processMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}
