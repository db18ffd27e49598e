import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AddAlertAttack1795245310000 } from '../../migrations/1795245310000-AddAlertAttack';
import { attackFor, attackIdsOf, AttackMapping, CLASS_ATTACK } from '../../src/core/attack/mitre-attack';
import { Role } from '../../src/core/permissions';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';
import { createDatabase, dropDatabase, runMigrations, testRedisPrefix, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, login } from '../utils/factories';

jest.setTimeout(120_000);

interface AttackDto {
  tactic: { id: string; name: string; url: string };
  technique: { id: string; name: string; url: string };
}
interface AlertBody {
  id: string;
  attack_type: string;
  source: string;
  src_ip: string;
  status: string;
  event_count: number;
  attack: AttackDto[];
}
interface CoverageEntry {
  tactic: { id: string; name: string };
  technique: { id: string; name: string; url: string };
  classes: string[];
  models: string[];
  covered: boolean;
  alerts: number;
  alerts_by_source: { model: number; external: number; suricata: number };
  false_positives: number;
  events: number;
  last_seen: string | null;
}

/** The DTO form of a mapping: ids, names and the attack.mitre.org pages. */
const dtoOf = (attack: readonly AttackMapping[]) =>
  attack.map((m) => ({
    tactic: { ...m.tactic, url: `https://attack.mitre.org/tactics/${m.tactic.id}/` },
    technique: { ...m.technique, url: `https://attack.mitre.org/techniques/${m.technique.id.replace('.', '/')}/` },
  }));

/** A Suricata alert event a minute ago, as Suricata 7 writes it (rule metadata as arrays of strings). */
const eveAlert = (src: string, sid: number, signature: string, metadata?: Record<string, string[]>) => ({
  timestamp: new Date(Date.now() - 60_000).toISOString().replace('Z', '000+0000'),
  flow_id: 1720448801559817 + sid,
  event_type: 'alert',
  src_ip: src,
  src_port: 44321,
  dest_ip: '198.19.62.20',
  dest_port: 80,
  proto: 'TCP',
  alert: {
    action: 'allowed',
    gid: 1,
    signature_id: sid,
    rev: 3,
    signature,
    category: 'Web Application Attack',
    severity: 1,
    ...(metadata ? { metadata } : {}),
  },
});

/**
 * MITRE ATT&CK on alerts, on a database of its own (the coverage counts every alert in it): model, external and
 * Suricata alerts carry their techniques, the list filters by them, the coverage endpoint counts them.
 */
describe('MITRE ATT&CK on alerts (a database of its own)', () => {
  const dbName = uniqueName('ids_attack');
  let dbUrl: string;
  let app: NestFastifyApplication;
  let db: DataSource;
  let key: string;
  let token: string;

  const get = async (url: string, expected = 200) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: bearer(token) });
    expect([url, res.statusCode, res.statusCode === expected ? '' : res.body]).toEqual([url, expected, '']);
    return res.json();
  };
  const alerts = async (query: string): Promise<AlertBody[]> => (await get(`/alerts?limit=100&${query}`)).items;
  const post = (url: string, payload: unknown, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { 'x-api-key': key, 'content-type': contentType },
      payload: payload as string,
    });

  beforeAll(async () => {
    dbUrl = await createDatabase(dbName);
    await runMigrations(dbUrl);
    app = await createTestApp({
      DATABASE_URL: dbUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('-attack'),
      STATS_CACHE_TTL_SECONDS: '0',
    });
    db = app.get(DataSource);
    key = await createApiKey(app);
    token = (await login(app, await createUser(app, { role: Role.VIEWER }))).access_token;
  });
  afterAll(async () => {
    await app?.close();
    await dropDatabase(dbName);
  });

  it('the migration gives alerts raised before it their class techniques, and none to Suricata alerts', async () => {
    const ds = new DataSource(buildDataSourceOptions(dbUrl, 1));
    await ds.initialize();
    const migration = new AddAlertAttack1795245310000();
    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      await runner.query(
        `INSERT INTO alerts (attack_type, source, risk_level, confidence, max_confidence, src_ip, dst_ip)
         VALUES ('PortScan', 'model', 'medium', 0.9, 0.9, '198.18.59.1', '198.19.59.1'),
                ('DoS slowloris', 'external', 'high', 0.9, 0.9, '198.18.59.2', '198.19.59.1'),
                ('Web Attack XSS', 'suricata', 'high', 1, 1, '198.18.59.3', '198.19.59.1'),
                ('Anomaly', 'model', 'low', 0.7, 0.7, '198.18.59.4', '198.19.59.1')`,
      );
      await migration.up(runner);
      const rows = await runner.query(
        `SELECT attack_type, attack FROM alerts WHERE src_ip <<= '198.18.59.0/24' ORDER BY src_ip`,
      );
      expect(rows).toEqual([
        { attack_type: 'PortScan', attack: attackFor('PortScan') },
        { attack_type: 'DoS slowloris', attack: attackFor('DoS slowloris') },
        { attack_type: 'Web Attack XSS', attack: [] },
        { attack_type: 'Anomaly', attack: [] },
      ]);
      await runner.query(`DELETE FROM alerts WHERE src_ip <<= '198.18.59.0/24'`);
    } finally {
      await runner.release();
      await ds.destroy();
    }
  });

  it('every class an external service reports raises an alert with its techniques (none for an anomaly)', async () => {
    const classes = Object.keys(CLASS_ATTACK).filter((c) => c !== 'BENIGN');
    for (const [i, attackType] of classes.entries()) {
      const res = await post('/inference/process', {
        prediction: 'attack',
        attack_type: attackType,
        confidence: 0.95,
        src_ip: `198.18.61.${i + 1}`,
        dst_ip: '198.19.61.1',
        src_port: 40000,
        dst_port: 80,
        protocol: 6,
      });
      expect([attackType, res.statusCode, res.json().status]).toEqual([attackType, 200, 'alert_created']);
    }
    const raised = await alerts('src_ip=198.18.61.0/24');
    expect(raised).toHaveLength(classes.length);
    for (const a of raised) {
      expect([a.attack_type, a.attack]).toEqual([a.attack_type, dtoOf(attackFor(a.attack_type))]);
    }
    // the mapping, spelled out for a few classes independently of the table
    const of = (type: string) => raised.find((a) => a.attack_type === type)!.attack;
    expect(of('PortScan')).toEqual([{
      tactic: { id: 'TA0007', name: 'Discovery', url: 'https://attack.mitre.org/tactics/TA0007/' },
      technique: { id: 'T1046', name: 'Network Service Discovery', url: 'https://attack.mitre.org/techniques/T1046/' },
    }]);
    expect(of('SSH-Patator').map((m) => [m.tactic.id, m.technique.id, m.technique.url])).toEqual([
      ['TA0006', 'T1110.001', 'https://attack.mitre.org/techniques/T1110/001/'],
    ]);
    expect(of('DDoS').map((m) => [m.tactic.name, m.technique.id])).toEqual([['Impact', 'T1498.001']]);
    expect(of('Anomaly')).toEqual([]);

    // the realtime events (here their replay log) carry the same techniques
    const portScan = raised.find((a) => a.attack_type === 'PortScan')!;
    let logged: { event: string; payload: { alert: AlertBody } } | undefined;
    for (let i = 0; i < 100 && !logged; i++) {
      const events: { event: string; payload: { alert: AlertBody } }[] = await get('/events?since=0&limit=500');
      logged = events.find((e) => e.event === 'attack_detected' && e.payload.alert.id === portScan.id);
      if (!logged) await new Promise((r) => setTimeout(r, 100));
    }
    expect(logged?.payload.alert.attack).toEqual(portScan.attack);
  });

  it('alerts our model raises carry the techniques of the class it predicted', async () => {
    const wanted = ['PortScan', 'DDoS', 'SSH-Patator'];
    const rows = (await readFixtureRows()).filter((r) => wanted.includes(r.label ?? '')).slice(0, 45);
    const flows = rows.map((r, i) =>
      sensorFlow(r, i, { flowId: `attack-${i}`, srcIp: `198.18.60.${i + 1}`, dstIp: '198.19.60.1' }),
    );
    const res = await post('/flows/batch', { flows });
    expect(res.statusCode).toBe(200);
    expect(res.json().alerts_raised).toBeGreaterThan(0);
    const raised = await alerts('src_ip=198.18.60.0/24');
    expect(raised.length).toBe(res.json().alerts_raised);
    for (const a of raised) {
      expect([a.source, a.attack_type, a.attack]).toEqual(['model', a.attack_type, dtoOf(attackFor(a.attack_type))]);
    }
    expect(raised.filter((a) => a.attack.length > 0).length).toBeGreaterThan(0);
  });

  it("Suricata alerts keep their rule's ATT&CK metadata, and carry none without it", async () => {
    const events = [
      eveAlert('198.18.62.1', 2034647, 'ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228)', {
        mitre_tactic_id: ['TA0001'], mitre_tactic_name: ['Initial_Access'],
        mitre_technique_id: ['T1190'], mitre_technique_name: ['Exploit_Public_Facing_Application'],
      }),
      eveAlert('198.18.62.2', 9000001, 'LOCAL reverse shell command', {
        mitre_tactic_id: ['TA0002'], mitre_tactic_name: ['Execution'],
        mitre_technique_id: ['T1059'], mitre_technique_name: ['Command_and_Scripting_Interpreter'],
      }),
      eveAlert('198.18.62.3', 2001219, 'ET SCAN Potential SSH Scan'),
    ];
    const ndjson = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const res = await post('/ingest/eve', ndjson, 'application/x-ndjson');
    expect([res.statusCode, res.json().alerts_raised]).toEqual([200, 3]);
    const raised = await alerts('src_ip=198.18.62.0/24&sort=created_at&order=asc');
    const text = (m: AttackDto) => `${m.tactic.id} ${m.tactic.name}/${m.technique.id} ${m.technique.name}`;
    const bySrc = Object.fromEntries(raised.map((a) => [a.src_ip, a.attack.map(text)]));
    expect(bySrc).toEqual({
      '198.18.62.1': ['TA0001 Initial Access/T1190 Exploit Public-Facing Application'],
      '198.18.62.2': ['TA0002 Execution/T1059 Command and Scripting Interpreter'],
      '198.18.62.3': [],
    });
    expect(raised.every((a) => a.source === 'suricata')).toBe(true);
  });

  it('filters the list by technique (a technique finds its sub-techniques) and by tactic', async () => {
    const types = async (query: string) =>
      (await alerts(`src_ip=198.18.61.0/24&${query}`)).map((a) => a.attack_type).sort();
    const bruteForce = ['FTP-Patator', 'SSH-Patator', 'Web Attack Brute Force'];
    expect(await types('technique=T1110')).toEqual(bruteForce);
    expect(await types('technique=t1110.001')).toEqual(bruteForce);
    const dos = ['DDoS', 'DoS GoldenEye', 'DoS Hulk', 'DoS Slowhttptest', 'DoS slowloris'];
    expect(await types('tactic=TA0040')).toEqual(dos);
    expect(await types('technique=T1046&tactic=TA0007')).toEqual(['Infiltration PortScan', 'PortScan']);
    const scansAndExploits = ['Heartbleed', 'Infiltration PortScan', 'PortScan', 'Web Attack Sql Injection'];
    scansAndExploits.push('Web Attack XSS');
    expect(await types('technique=T1046,T1190')).toEqual(scansAndExploits);
    expect(await types('technique=T1046&tactic=TA0040')).toEqual([]);
    expect(await types('technique=T1071')).toEqual(['Bot']);
    expect((await alerts('technique=T1059')).map((a) => a.src_ip)).toEqual(['198.18.62.2']);
    for (const bad of ['technique=X1', 'technique=T10460', 'tactic=T1046', 'tactic=TA7']) {
      await get(`/alerts?${bad}`, 400);
    }
  });

  it("indexes each alert by its tactics, techniques and their parents, as the code's attackIdsOf says", async () => {
    const rows: { attack: AttackMapping[]; ids: string[] }[] = await db.query(
      `SELECT attack, ids_alert_attack_ids(attack) AS ids FROM alerts`,
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expect(new Set(r.ids)).toEqual(new Set(attackIdsOf(r.attack)));
  });

  it('the coverage lists each technique, its classes, the models covering it and the alerts carrying it', async () => {
    const body = await get('/stats/attack-coverage');
    const unmapped = expect.arrayContaining(['Anomaly', 'BENIGN']);
    expect(body).toMatchObject({ from: null, to: null, unmapped_classes: unmapped });
    const full = body.models.find((m: { model: string }) => m.model === 'full');
    expect(full).toMatchObject({ version: expect.any(String), classes: expect.arrayContaining(['PortScan', 'DDoS']) });
    const eve = body.models.find((m: { model: string }) => m.model === 'eve');
    expect(eve).toMatchObject({ version: expect.any(String), classes: expect.arrayContaining(['PortScan']) });
    const entries: CoverageEntry[] = body.techniques;
    const entry = (tactic: string, technique: string) =>
      entries.find((e) => e.tactic.id === tactic && e.technique.id === technique)!;

    // every pair of the table is listed once, and the model that has the classes covers it
    const pairOf = (m: { tactic: { id: string }; technique: { id: string } }) => `${m.tactic.id}/${m.technique.id}`;
    const pairs = new Set(Object.values(CLASS_ATTACK).flatMap((c) => c.attack.map(pairOf)));
    for (const pair of pairs) {
      const [tactic, technique] = pair.split('/');
      expect([pair, entry(tactic, technique)?.covered]).toEqual([pair, true]);
      expect(entry(tactic, technique).models).toContain('full');
    }
    expect(entry('TA0007', 'T1046').models).toEqual(['full', 'eve']);
    expect(entries.length).toBe(new Set(entries.map(pairOf)).size);
    expect(entry('TA0006', 'T1110.001')).toMatchObject({
      technique: { name: 'Brute Force: Password Guessing', url: 'https://attack.mitre.org/techniques/T1110/001/' },
      classes: ['FTP-Patator', 'SSH-Patator', 'Web Attack Brute Force'],
    });
    expect(entry('TA0002', 'T1059')).toMatchObject({
      classes: [],
      models: [],
      covered: false,
      alerts: 1,
      alerts_by_source: { model: 0, external: 0, suricata: 1 },
    });
    expect(entry('TA0001', 'T1190').alerts_by_source).toMatchObject({ suricata: 1 });
    expect(entry('TA0001', 'T1190').alerts_by_source.external).toBe(3);
    const tactics = entries.map((e) => e.tactic.id);
    expect(tactics).toEqual([...tactics].sort((a, b) => order(a) - order(b)));

    // the counts are those of the alerts in the database, pair by pair and source by source
    const all: AlertBody[] = await db.query(`SELECT id, attack_type, source, attack, status, event_count FROM alerts`);
    for (const e of entries) {
      const carrying = all.filter((a) => a.attack.some((m) => pairOf(m) === pairOf(e)));
      const bySource = (s: string) => carrying.filter((a) => a.source === s).length;
      expect([e.technique.id, e.alerts, e.alerts_by_source, e.events, e.last_seen === null]).toEqual([
        e.technique.id,
        carrying.length,
        { model: bySource('model'), external: bySource('external'), suricata: bySource('suricata') },
        carrying.reduce((n, a) => n + a.event_count, 0),
        carrying.length === 0,
      ]);
    }
  });

  it('counts only the alerts raised in the period asked for', async () => {
    const before = await get('/stats/attack-coverage?from=2001-03-04T00:00:00Z&to=2001-03-05T00:00:00Z');
    expect(before).toMatchObject({ from: '2001-03-04T00:00:00.000Z', to: '2001-03-05T00:00:00.000Z' });
    expect(before.techniques.every((e: CoverageEntry) => e.alerts === 0 && e.last_seen === null)).toBe(true);
    const hour = await get('/stats/attack-coverage?range=1h');
    const allTime = await get('/stats/attack-coverage');
    const counts = (b: { techniques: CoverageEntry[] }) => b.techniques.map((e) => [e.technique.id, e.alerts]);
    expect(counts(hour)).toEqual(counts(allTime));
    expect(hour.to).toEqual(expect.any(String));
    await get(`/stats/attack-coverage?to=${new Date().toISOString()}`, 400);
    await get('/stats/attack-coverage?range=1h&from=2026-01-01T00:00:00Z', 400);
  });
});

/** The Enterprise matrix's tactics, left to right. */
const TACTIC_ORDER = ['TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007',
  'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040'];
const order = (id: string) => TACTIC_ORDER.indexOf(id);
