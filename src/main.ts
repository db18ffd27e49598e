import 'reflect-metadata';
import { createApp } from './app.factory';
import { AppConfig, loadConfig } from './config/app-config';
import { EnvValidationError } from './config/env.schema';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { ensureRedis, RedisUnavailableError } from './infra/redis/redis-bootstrap';

async function resolveServices(config: AppConfig): Promise<AppConfig> {
  await ensureRedis(config.redis.url, config.redis.autostart, config.redis.dataDir);
  if (config.database.url) return config;
  // embedded-postgres stops its server when this process exits (it hooks the exit signals itself).
  const embedded = await startEmbeddedPostgres(config.database.embeddedDir, config.database.embeddedPort);
  return { ...config, database: { ...config.database, url: embedded.url } };
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof EnvValidationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  try {
    config = await resolveServices(config);
  } catch (e) {
    if (e instanceof RedisUnavailableError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = await createApp(config);
  await app.listen({ port: config.app.port, host: config.app.host });
}

bootstrap().catch((e) => {
  process.stderr.write(`Start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
