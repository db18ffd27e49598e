import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';

// The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate`); it needs DATABASE_URL.
const { database } = loadConfig();
if (!database.url) {
  throw new Error('DATABASE_URL must be set for the TypeORM CLI (e.g. postgres://postgres@127.0.0.1:5432/ids_ai)');
}

export default new DataSource(buildDataSourceOptions(database.url, 2));
