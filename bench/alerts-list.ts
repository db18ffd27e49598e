import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../src/common/auth/principal';
import { Role } from '../src/core/permissions';
import { UsersService } from '../src/users/users.service';
import { BenchServer, percentile } from './bench-app';

const log = (...a: unknown[]) => process.stderr.write(`${a.join(' ')}\n`);

/** Seeds `count` alerts in bulk and returns the sorted latencies (ms) of GET /api/v1/alerts pages, after a warm-up pass. */
export async function seedAlertsAndMeasureList(server: BenchServer, count: number): Promise<number[]> {
  const db = server.app.get(DataSource);
  const started = Date.now();
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
  await db.query('ANALYZE alerts');
  log(`seeded ${count} alerts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const email = `bench-${randomUUID()}@example.test`;
  await server.app.get(UsersService).create(SYSTEM_ACTOR, { email, password: 'bench-password-1', role: Role.VIEWER });
  const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password-1' }) });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const queries = ['', 'status=active', 'severity=critical', 'attack_type=DDoS&range=24h', 'src_ip=198.18.3.0/24', 'sort=confidence&order=desc'];
  const page = (i: number) => fetch(`${server.url}/api/v1/alerts?limit=50&${queries[i % queries.length]}`, { headers: { authorization: `Bearer ${token}` } });
  // one pass over every query shape first: a dashboard polls the same few pages, whose index pages stay cached
  for (let i = 0; i < queries.length * 5; i++) await (await page(i)).arrayBuffer();
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = process.hrtime.bigint();
    const res = await page(i);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /alerts: ${res.status}`);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  log(`GET /api/v1/alerts over ${count} alerts: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
  return latencies;
}
