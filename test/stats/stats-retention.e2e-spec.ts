import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { StatsRetention } from '../../src/stats/stats-retention.service';
import { createDatabase, dropDatabase, runMigrations, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';

describe('statistics rollups retention (STATS_RETENTION_DAYS)', () => {
  const dbName = uniqueName('ids_stats_retention');
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    const url = await createDatabase(dbName);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url, STATS_RETENTION_DAYS: '31' });
    db = app.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await dropDatabase(dbName);
  }, 30_000);

  const ages = [400, 32, 30, 0]; // days
  const remaining = async (table: string) =>
    ((await db.query(`SELECT round(extract(epoch FROM now() - bucket) / 86400)::int AS age FROM ${table} ORDER BY 1 DESC`)) as {
      age: number;
    }[]).map((r) => r.age);

  it('deletes minute, hour and per-address rows older than the retention; keeps the rest and the model rollup', async () => {
    for (const days of ages) {
      await db.query(`INSERT INTO stats_minute (bucket, attack_type, flows, alerts) VALUES (date_trunc('minute', now()) - make_interval(days => $1), 'DDoS', 5, 1)`, [days]);
      await db.query(
        `INSERT INTO stats_sources_hour (bucket, direction, ip, flows, alerts) VALUES (date_trunc('hour', now()) - make_interval(days => $1), 'src', '198.18.0.1', 5, 1)`,
        [days],
      );
      await db.query(`INSERT INTO stats_model_day (bucket, model_version, predicted_label, predictions) VALUES (current_date - $1::int, 'mlp-x', 'DDoS', 5)`, [days]);
    }
    await expect(app.get(StatsRetention).prune()).resolves.toEqual({ minute: 2, sourcesHour: 2 });
    expect(await remaining('stats_minute')).toEqual([30, 0]);
    expect(await remaining('stats_sources_hour')).toEqual([30, 0]);
    // the hourly table follows the minutes through its trigger
    expect(await remaining('stats_hour')).toEqual([30, 0]);
    expect(((await db.query(`SELECT count(*)::int AS n FROM stats_model_day`)) as { n: number }[])[0].n).toBe(4);
    await expect(app.get(StatsRetention).prune()).resolves.toEqual({ minute: 0, sourcesHour: 0 });
  });
});
