import { ensureTestServices } from './test-services';
import { createDatabase, runMigrations, uniqueName } from './test-database';

/**
 * One database per test run on the machine's real PostgreSQL (an embedded one when none answers), migrated with the
 * real migrations. Its URL and a Redis key prefix of the run's own reach the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  await ensureTestServices();
  const name = uniqueName('ids_test');
  const url = await createDatabase(name);
  await runMigrations(url);
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_REDIS_PREFIX = name;
}
