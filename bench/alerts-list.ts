import { DataSource } from 'typeorm';
import { httpRequest, percentile } from './bench-app';

const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

/**
 * Seeds `count` alerts in bulk (spread over time, types, risks, statuses and sources), each with the evidence a
 * model verdict carries (top-3 probabilities, the three features behind it, anomaly score, flow link, model
 * version), then vacuums and analyses the table.
 */
export async function seedAlerts(db: DataSource, count: number): Promise<void> {
  await db.query(
    `INSERT INTO alerts (attack_type, risk_level, status, confidence, max_confidence, src_ip, dst_ip, src_port, dst_port, protocol,
                         event_count, first_seen, last_seen, flow_id, flow_received_at, model_version, top_probabilities,
                         explanation, anomaly_score, created_at, updated_at)
     SELECT s.attack_type, s.risk_level, s.status, s.confidence, 0.99, s.src_ip, '198.19.0.1'::inet, 1024 + s.g % 60000, 80, 6,
            1 + s.g % 5, s.at, s.at, s.g, s.at, '20261101-000000',
            jsonb_build_array(jsonb_build_object('label', s.attack_type, 'probability', s.confidence),
                              jsonb_build_object('label', 'BENIGN', 'probability', round((1 - s.confidence) * 0.8, 4)),
                              jsonb_build_object('label', s.runner_up, 'probability', round((1 - s.confidence) * 0.2, 4))),
            jsonb_build_array(jsonb_build_object('feature', 'Bwd Packet Length Std', 'value', s.g % 1500, 'contribution', 0.41),
                              jsonb_build_object('feature', 'Flow IAT Max', 'value', s.g % 120000, 'contribution', 0.27),
                              jsonb_build_object('feature', 'Destination Port', 'value', 80, 'contribution', -0.12)),
            round((s.g % 100) / 100.0, 2), s.at, now()
       FROM (SELECT g, (ARRAY['DDoS','PortScan','Bot','DoS Hulk','FTP-Patator','SSH-Patator'])[1 + g % 6] AS attack_type,
                    (ARRAY['DDoS','PortScan','Bot','DoS Hulk','FTP-Patator','SSH-Patator'])[1 + (g + 1) % 6] AS runner_up,
                    (ARRAY['low','medium','high','critical'])[1 + g % 4]::risk_level AS risk_level,
                    (ARRAY['active','investigating','resolved','false_positive'])[1 + (g / 7) % 4]::alert_status AS status,
                    (0.5 + (g % 50) / 100.0)::numeric(4, 2) AS confidence, ('198.18.' || (g / 256) % 256 || '.' || g % 256)::inet AS src_ip,
                    now() - make_interval(secs => g * 2.5) AS at
               FROM generate_series(1, $1) g) s`,
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
