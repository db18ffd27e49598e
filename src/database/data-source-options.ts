import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';

// Running from TypeScript (tests, CLI) the app lives in src/ and migrations in ../migrations; from the build,
// both are under dist/.
const compiled = !__filename.endsWith('.ts');
const appDir = join(__dirname, '..');
const migrationsDir = compiled ? join(appDir, 'migrations') : join(appDir, '..', 'migrations');

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
