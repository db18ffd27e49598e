import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

// Running from TypeScript (tests, CLI) the app lives in src/ and migrations in ../migrations; from the build,
// both are under dist/.
const compiled = !__filename.endsWith('.ts');
const appDir = join(__dirname, '..');
const migrationsDir = compiled ? join(appDir, 'migrations') : join(appDir, '..', 'migrations');
const logger = new Logger('Database');

/** TypeORM options shared by the application, the CLI (`ormconfig.ts`) and the tests. */
export function buildDataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: [join(appDir, '**', `*.entity.${compiled ? 'js' : 'ts'}`)],
    migrations: [join(migrationsDir, `*.${compiled ? 'js' : 'ts'}`)],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    // An idle pooled connection the server closed (restart, failover, idle timeout) is dropped from the pool and
    // replaced on demand; without a listener its error would end the process.
    poolErrorHandler: (err: Error) => logger.warn(`idle database connection lost: ${err.message}`),
    // Idle connections are recycled before a server or proxy drops them, and a checkout fails fast when the
    // database is unreachable instead of hanging the request.
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      keepAlive: true,
      application_name: 'ids-ai',
    },
  };
}
