import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { SystemStatusService } from '../../src/realtime/system-status.service';
import { createDatabase, dropDatabase, runMigrations, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';

/** On a database of its own: the status sums every flow of the last minute, which other specs also write. */
describe('system_status', () => {
  const name = uniqueName('ids_status');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const url = await createDatabase(name);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await dropDatabase(name);
  });

  it('reports the flows per second and alerts of the last complete minute from the stats rollups', async () => {
    // the same counts in the current minute too, so a minute boundary between insert and read changes nothing
    await app.get(DataSource).query(
      `INSERT INTO stats_minute (bucket, attack_type, flows, alerts)
       SELECT date_trunc('minute', now()) - m * interval '1 minute', 'DDoS', 120, 3 FROM unnest(ARRAY[0, 1]) m`,
    );
    const status = await app.get(SystemStatusService).snapshot();
    expect(status).toMatchObject({ flows_per_second: 2, alerts_per_minute: 3, ready: expect.any(Boolean) });
  });
});
