/**
 * Statistics bench: rollups equivalent to ~10 million flows over 30 days (every class in every minute: 30 ×
 * 1,440 × 16 ≈ 691,000 stats_minute rows, summed by the triggers into ~11,500 stats_hour rows), hourly
 * source / destination rollups, daily model rollups, 100,000 alerts and 2,000 network actions, on a database of
 * its own. Prints the latency of the statistics endpoints over HTTP (p50 / p95 over repeated calls) with the
 * Redis cache disabled and enabled, what the 30-day timeline would cost read from stats_minute alone, and what
 * the hourly triggers add to an ingest batch's rollup upsert. Figures, not a pass/fail.
 *
 *   npx ts-node --swc bench/stats.ts
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { SYSTEM_ACTOR } from '../src/common/auth/principal';
import { loadConfig } from '../src/config/app-config';
import { Role } from '../src/core/permissions';
import { StatsRollupsRepository } from '../src/stats/stats-rollups.repository';
import { resolveTimelineWindow } from '../src/stats/stats-window';
import { UsersService } from '../src/users/users.service';
import { percentile, startBenchServer } from './bench-app';

const DAYS = 30;
const CALLS = 200;
const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

const QUERIES = [
  'timeline?range=30d&bucket=1d',
  'timeline?range=30d&bucket=1h',
  'timeline?range=7d&bucket=1h',
  'timeline?range=24h&bucket=1m',
  'overview',
  'attack-types?range=30d',
  'top-sources?range=30d&limit=10',
  'actions?range=30d',
  'model',
];

async function seed(db: DataSource): Promise<number> {
  const started = Date.now();
  // ~231 flows a minute (10 million in 30 days): BENIGN 150–223, each of the 15 attack classes 0–6, 90 % of
  // attack flows alert verdicts
  await db.query(
    `WITH g AS (
       SELECT m.bucket, c.name, c.is_attack,
              CASE WHEN c.is_attack THEN floor(random() * 7) ELSE 150 + floor(random() * 74) END::bigint AS flows
         FROM generate_series(date_trunc('minute', now()) - make_interval(days => $1), date_trunc('minute', now()), interval '1 minute') AS m (bucket)
        CROSS JOIN attack_types c)
     INSERT INTO stats_minute (bucket, attack_type, flows, alerts)
     SELECT bucket, name, flows, CASE WHEN is_attack THEN (flows * 9) / 10 ELSE 0 END FROM g`,
    [DAYS],
  );
  const [{ flows, rows }] = await db.query(`SELECT sum(flows)::bigint AS flows, count(*) AS rows FROM stats_minute`);
  log(`stats_minute: ${rows} rows, ${Number(flows).toLocaleString('en')} flows (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await db.query(
    `INSERT INTO stats_sources_hour (bucket, direction, ip, flows, alerts)
     SELECT h, d, ('198.51.' || (i / 256) || '.' || (i % 256))::inet, 10 + i % 50, i % 7
       FROM generate_series(date_trunc('hour', now()) - make_interval(days => $1), date_trunc('hour', now()), interval '1 hour') AS h
      CROSS JOIN (VALUES ('src'), ('dst')) AS dir (d)
      CROSS JOIN generate_series(1, 200) AS i`,
    [DAYS],
  );
  await db.query(
    `INSERT INTO stats_model_day (bucket, model_version, predicted_label, predictions)
     SELECT d::date, 'bench-1', c.name, 1000 + floor(random() * 1000)::bigint
       FROM generate_series(now() - make_interval(days => $1), now(), interval '1 day') AS d CROSS JOIN attack_types c`,
    [DAYS],
  );
  await db.query(`INSERT INTO model_versions (version, artifact_path, is_active, activated_at) VALUES ('bench-1', '/dev/null', true, now())`);
  await db.query(
    `INSERT INTO alerts (attack_type, risk_level, status, confidence, max_confidence, model_version, created_at)
     SELECT (ARRAY['DDoS','PortScan','Bot','DoS Hulk'])[1 + g % 4], (ARRAY['low','medium','high','critical'])[1 + g % 4]::risk_level,
            (ARRAY['active','investigating','resolved','false_positive'])[1 + (g / 7) % 4]::alert_status, 0.9, 0.9, 'bench-1',
            now() - make_interval(secs => g * 25)
       FROM generate_series(1, 100000) g`,
  );
  await db.query(
    `INSERT INTO network_actions (action_type, target, status, is_automatic, created_at)
     SELECT 'block_ip', '203.0.' || (g / 256) || '.' || (g % 256), (ARRAY['active','expired','revoked'])[1 + g % 3]::network_action_status,
            g % 2 = 0, now() - make_interval(secs => g * 1200)
       FROM generate_series(1, 2000) g`,
  );
  await db.query('ANALYZE');
  log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return Number(flows);
}

async function viewerToken(url: string, app: NestFastifyApplication): Promise<string> {
  const email = `bench-${randomUUID()}@example.test`;
  await app.get(UsersService).create(SYSTEM_ACTOR, { email, password: 'timeline reader pass 1', role: Role.VIEWER });
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'timeline reader pass 1' }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function measure(url: string, token: string, query: string): Promise<{ p50: number; p95: number; bytes: number }> {
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const res = await fetch(`${url}/api/v1/stats/${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /stats/${query}: ${res.status} ${Buffer.from(body).toString()}`);
    latencies.push(performance.now() - t);
    bytes = body.byteLength;
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), bytes };
}

async function timeSql(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

/** A rollup upsert like one ingest batch's: 16 classes in the current minute. */
async function rollupUpsertCost(db: DataSource): Promise<{ withTriggers: number; without: number }> {
  const upsert = () =>
    db.query(
      `INSERT INTO stats_minute (bucket, attack_type, flows, alerts)
       SELECT date_trunc('minute', now()), name, 10, 1 FROM attack_types ORDER BY name
       ON CONFLICT (bucket, attack_type) DO UPDATE
         SET flows = stats_minute.flows + EXCLUDED.flows, alerts = stats_minute.alerts + EXCLUDED.alerts`,
    );
  const withTriggers = (await timeSql(500, upsert)).p50;
  await db.query(`ALTER TABLE stats_minute DISABLE TRIGGER USER`);
  const without = (await timeSql(500, upsert)).p50;
  await db.query(`ALTER TABLE stats_minute ENABLE TRIGGER USER`);
  return { withTriggers, without };
}

async function main(): Promise<void> {
  const server = await startBenchServer({ STATS_CACHE_TTL_SECONDS: '0' });
  const db = server.app.get(DataSource);
  let cached: NestFastifyApplication | null = null;
  try {
    const flows = await seed(db);
    const token = await viewerToken(server.url, server.app);

    const dbUrl = (db.options as { url: string }).url;
    cached = await createApp(
      loadConfig({
        NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DATABASE_URL: dbUrl,
        DATABASE_MIGRATIONS_RUN: 'false', REDIS_KEY_PREFIX: `bench-cached-${randomUUID().slice(0, 8)}`, REDIS_AUTOSTART: 'false',
        LOG_LEVEL: 'warn', INGEST_STREAM_ENABLED: 'false', STATS_CACHE_TTL_SECONDS: '5',
      }),
    );
    await cached.listen({ port: 0, host: '127.0.0.1' });
    const cachedUrl = `http://127.0.0.1:${(cached.getHttpServer().address() as { port: number }).port}`;

    const rows: string[] = [];
    for (const query of QUERIES) {
      const cold = await measure(server.url, token, query);
      const warm = await measure(cachedUrl, token, query);
      rows.push(
        `${`/stats/${query}`.padEnd(42)} ${cold.p50.toFixed(1).padStart(7)} ${cold.p95.toFixed(1).padStart(7)}   ` +
          `${warm.p50.toFixed(1).padStart(7)} ${warm.p95.toFixed(1).padStart(7)}   ${String(cold.bytes).padStart(7)}`,
      );
    }
    const repo = server.app.get(StatsRollupsRepository);
    const month = resolveTimelineWindow({ range: '30d', bucket: '1d' }, new Date());
    const fromMinutes = await timeSql(20, () => repo.timeline('stats_minute', month, 86_400_000));
    const fromHours = await timeSql(20, () => repo.timeline('stats_hour', month, 86_400_000));
    const upsert = await rollupUpsertCost(db);

    console.log(`\nStatistics over ${DAYS} days, ${flows.toLocaleString('en')} flows of rollups (${CALLS} sequential calls each, ms)\n`);
    console.log(`${'endpoint'.padEnd(42)} ${'no cache'.padStart(15)}   ${'cache 5 s'.padStart(15)}   ${'bytes'.padStart(7)}`);
    console.log(`${''.padEnd(42)} ${'p50'.padStart(7)} ${'p95'.padStart(7)}   ${'p50'.padStart(7)} ${'p95'.padStart(7)}`);
    for (const row of rows) console.log(row);
    console.log(`\n30-day timeline (1d buckets), SQL only: from stats_hour p50 ${fromHours.p50.toFixed(1)} / p95 ${fromHours.p95.toFixed(1)} ms; ` +
      `from stats_minute alone p50 ${fromMinutes.p50.toFixed(1)} / p95 ${fromMinutes.p95.toFixed(1)} ms`);
    console.log(`Rollup upsert of one batch (16 classes, one minute), p50: ${upsert.withTriggers.toFixed(2)} ms with the stats_hour triggers, ` +
      `${upsert.without.toFixed(2)} ms without`);
  } finally {
    await cached?.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
