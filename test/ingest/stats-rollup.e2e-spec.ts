import { randomInt } from 'node:crypto';
import { addToRollups, RollupInput } from '../../src/stats/stats-rollups.writer';
import { sharedDatabaseClient } from '../setup/test-database';

/**
 * The rollups an ingest batch adds, as PostgreSQL holds them. The batches are dated in an hour of 2003 drawn at
 * random, which no other spec writes to (specs share the run's database).
 */
describe('dashboard rollups of an ingest batch', () => {
  const pg = sharedDatabaseClient();
  const hour = Date.UTC(2003, 0, 1) + randomInt(0, 365 * 24) * 3_600_000;
  const at = (minute: number, second = 0) => new Date(hour + minute * 60_000 + second * 1000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const day = iso(hour).slice(0, 10);

  const item = (over: Partial<RollupInput>): RollupInput => ({
    at: at(0), label: 'BENIGN', isAlert: false, srcIp: null, dstIp: null, modelVersion: 'mlp-test', ...over,
  });
  const add = async (items: RollupInput[]) => {
    await pg.query('BEGIN');
    await addToRollups(pg as never, items);
    await pg.query('COMMIT');
  };
  const rows = async () => ({
    minute: (
      await pg.query(`SELECT bucket, attack_type, flows::int, alerts::int FROM stats_minute WHERE bucket >= $1 AND bucket < $2 ORDER BY 1, 2`, [
        at(0), at(60),
      ])
    ).rows.map((r) => [r.bucket.toISOString(), r.attack_type, r.flows, r.alerts]),
    sources: (
      await pg.query(`SELECT direction, host(ip) AS ip, flows::int, alerts::int FROM stats_sources_hour WHERE bucket = $1 ORDER BY 1, 2`, [at(0)])
    ).rows.map((r) => [r.direction, r.ip, r.flows, r.alerts]),
    model: (
      await pg.query(`SELECT model_version, predicted_label, predictions::int FROM stats_model_day WHERE bucket = $1 AND model_version LIKE 'mlp-test%' ORDER BY 1, 2`, [day])
    ).rows.map((r) => [r.model_version, r.predicted_label, r.predictions]),
  });

  it('counts flows and alerts per minute and class, per hour and address, per day, model and class; and adds up', async () => {
    const batch = [
      item({ srcIp: '198.18.0.1', dstIp: '198.19.0.1' }),
      item({ srcIp: '198.18.0.1', dstIp: '198.19.0.1', at: at(0, 59) }),
      item({ label: 'DDoS', isAlert: true, srcIp: '198.18.0.2', dstIp: '198.19.0.1' }),
      item({ label: 'DDoS', isAlert: true, srcIp: '2001:db8::1', dstIp: '198.19.0.1', at: at(1, 30) }),
      item({ label: 'DDoS', isAlert: false, srcIp: '198.18.0.2', dstIp: null, at: at(1) }),
      item({ label: 'Web Attack – XSS', isAlert: true, srcIp: null, dstIp: '2001:db8::2', modelVersion: 'mlp-test "b", {2}' }),
      item({ label: 'unclassified', srcIp: '198.18.0.1', modelVersion: null }),
    ];
    await add(batch);
    const once = await rows();
    expect(once.minute).toEqual([
      [iso(hour), 'BENIGN', 2, 0],
      [iso(hour), 'DDoS', 1, 1],
      [iso(hour), 'Web Attack – XSS', 1, 1],
      [iso(hour), 'unclassified', 1, 0],
      [iso(hour + 60_000), 'DDoS', 2, 1],
    ]);
    expect(once.sources).toEqual([
      ['dst', '198.19.0.1', 4, 2],
      ['dst', '2001:db8::2', 1, 1],
      ['src', '198.18.0.1', 3, 0],
      ['src', '198.18.0.2', 2, 1],
      ['src', '2001:db8::1', 1, 1],
    ]);
    expect(once.model).toEqual([
      ['mlp-test', 'BENIGN', 2],
      ['mlp-test', 'DDoS', 3],
      ['mlp-test "b", {2}', 'Web Attack – XSS', 1],
    ]);

    await add(batch);
    const twice = await rows();
    const doubled = <T extends unknown[]>(list: T[], from: number) => list.map((r) => r.map((v, i) => (i >= from ? (v as number) * 2 : v)));
    expect(twice.minute).toEqual(doubled(once.minute, 2));
    expect(twice.sources).toEqual(doubled(once.sources, 2));
    expect(twice.model).toEqual(doubled(once.model, 2));
  });
});
