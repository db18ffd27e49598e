import { DataSource } from 'typeorm';
import { httpRequest, percentile } from './bench-app';

const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

/** Seeds `count` alerts in bulk (spread over time, types, risks, statuses and sources), then vacuums and analyses the table. */
export async function seedAlerts(db: DataSource, count: number): Promise<void> {
  await db.query(
    `INSERT INTO alerts (attack_type, risk_level, status, confidence, max_confidence, src_ip, dst_ip, dst_port, event_count,
                         first_seen, last_seen, created_at, updated_at)
     SELECT (ARRAY['DDoS','PortScan','Bot','DoS Hulk','FTP-Patator','SSH-Patator'])[1 + g % 6],
            (ARRAY['low','medium','high','critical'])[1 + g % 4]::risk_level,
            (ARRAY['active','investigating','resolved','false_positive'])[1 + (g / 7) % 4]::alert_status,
            0.5 + (g % 50) / 100.0, 0.99,
            ('198.18.' || (g / 256) % 256 || '.' || g % 256)::inet, '198.19.0.1'::inet, 80, 1,
            now() - make_interval(secs => g * 2.5), now() - make_interval(secs => g * 2.5),
            now() - make_interval(secs => g * 2.5), now()
       FROM generate_series(1, $1) g`,
    [count],
  );
  // as a table of that size is in production: vacuumed (visibility map and hint bits set) and analysed, and no
  // autovacuum of the bulk insert running during the measurement
  await db.query('VACUUM (ANALYZE) alerts');
  await db.query('CHECKPOINT').catch(() => undefined); // needs a superuser or pg_checkpoint
}

/**
 * The sorted latencies (ms) of 300 GET /api/v1/alerts pages of six common shapes (filters, sorts), after a
 * warm-up pass: a dashboard polls the same few pages, whose index pages stay cached.
 */
export async function measureAlertList(url: string, token: string, alerts: number): Promise<number[]> {
  const queries = ['', 'status=active', 'severity=critical', 'attack_type=DDoS&range=24h', 'src_ip=198.18.3.0/24', 'sort=confidence&order=desc'];
  const page = async (i: number) => {
    const res = await httpRequest('GET', `${url}/api/v1/alerts?limit=50&${queries[i % queries.length]}`, { authorization: `Bearer ${token}` });
    if (res.status !== 200) throw new Error(`GET /alerts: ${res.status}`);
  };
  for (let i = 0; i < queries.length * 5; i++) await page(i);
  const latencies: number[] = [];
  const byQuery = queries.map((): number[] => []);
  for (let i = 0; i < 300; i++) {
    const t = process.hrtime.bigint();
    await page(i);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    latencies.push(ms);
    byQuery[i % queries.length].push(ms);
  }
  byQuery.forEach((l, q) => {
    l.sort((a, b) => a - b);
    log(`  ?limit=50&${queries[q]}`.padEnd(44) + ` p50 ${percentile(l, 50).toFixed(1)} ms, p95 ${percentile(l, 95).toFixed(1)} ms`);
  });
  latencies.sort((a, b) => a - b);
  log(`GET /api/v1/alerts over ${alerts} alerts: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  return latencies;
}
