import { stopTestServices } from './test-services';
import { deleteRedisKeys, dropDatabase } from './test-database';

/** Drops the run's database and deletes the Redis keys under the run's prefix (specs' own prefixes extend it). */
export default async function globalTeardown(): Promise<void> {
  if (!process.env.TEST_KEEP_DATABASE) {
    if (process.env.TEST_DATABASE_NAME) await dropDatabase(process.env.TEST_DATABASE_NAME);
    if (process.env.TEST_REDIS_PREFIX) await deleteRedisKeys(`${process.env.TEST_REDIS_PREFIX}*`);
  }
  await stopTestServices();
}
