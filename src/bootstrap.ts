import { AppConfig, loadConfig } from './config/app-config';
import { EnvValidationError } from './config/env.schema';
import { startEmbeddedPostgres } from './database/embedded-postgres';
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

/**
 * Makes sure Redis answers (starting a local redis-server if allowed) and resolves the database: the configured
 * DATABASE_URL, or an embedded PostgreSQL when none is set. The embedded server stops when the process exits.
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
  return { ...config, database: { ...config.database, url: embedded.url } };
}
