import { getQueueToken } from '@nestjs/bull';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { toAlertAttackDtos } from '../../src/alerts/dto/alert-attack.dto';
import { AlertEvents } from '../../src/alerts/alert.events';
import { attackFor } from '../../src/core/attack/mitre-attack';
import { Role } from '../../src/core/permissions';
import { parseSyslogDestination } from '../../src/core/syslog-destination';
import { QUEUES } from '../../src/infra/queues/queues';
import { sendSyslog } from '../../src/notifications/siem/syslog.client';
import { formatSyslogMessage, octetFrame } from '../../src/notifications/siem/syslog-frame';
import { testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login } from '../utils/factories';
import { freePort, makeTestPki, ReceivedSyslog, RsyslogReceiver, rsyslogUnavailableReason } from './rsyslog-receiver';
import { WebhookReceiver, waitFor } from './webhook-receiver';

jest.setTimeout(90_000);

const THRESHOLD = 20;
const WINDOW_MS = 1000;
const MAX_ALERTS = 5;
const STORM = 1000;

const alertEvent = (id: number, srcIp: string, attackType = 'PortScan', riskLevel = 'high') => ({
  alert: {
    id: String(id),
    attack_type: attackType,
    source: 'model',
    risk_level: riskLevel,
    status: 'active',
    confidence: 0.99,
    src_ip: srcIp,
    dst_ip: '198.19.0.20',
    src_port: 40000 + (id % 1000),
    dst_port: 22,
    protocol: 6,
    event_count: 1,
    first_seen: new Date().toISOString(),
    last_seen: new Date().toISOString(),
    created_at: new Date().toISOString(),
    details: {},
    // as the alerts module sends it: the class's techniques (docs/attack-mapping.md)
    attack: toAlertAttackDtos(attackFor(attackType)),
  },
});

const blockEvent = (target: string) => ({
  action: {
    id: '9001',
    type: 'block_ip',
    target,
    family: 4,
    status: 'active',
    reason: 'auto-response to PortScan',
    duration_seconds: 600,
    expires_at: new Date(Date.now() + 600_000).toISOString(),
    is_automatic: true,
    applied_at: new Date().toISOString(),
    ended_at: null,
  },
  alert_id: '7001',
});

/**
 * SIEM forwarding to the real rsyslog from Debian on loopback: one rsyslogd over plain TCP, one over TLS (gtls,
 * certificate from a CA the test makes with openssl). Under CI it must run: a missing rsyslog fails the suite.
 */
const unavailable = rsyslogUnavailableReason();
const TITLE = 'SIEM forwarding to a real rsyslog (RFC 5424, octet counting, TCP and TLS)';
if (unavailable && process.env.CI === 'true') {
  describe(TITLE, () => {
    it('can run here (CI=true requires rsyslog and rsyslog-gnutls)', () => {
      throw new Error(`cannot run the rsyslog test: ${unavailable}`);
    });
  });
} else if (unavailable) {
  process.stderr.write(`SKIPPED: ${unavailable} (${TITLE})\n`);
  describe.skip(TITLE, () => it('needs rsyslog and rsyslog-gnutls', () => undefined));
} else {
  describe(TITLE, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-siem-'));
    let tcp: RsyslogReceiver;
    let tls: RsyslogReceiver;
    let app: NestFastifyApplication;
    const webhooks = new WebhookReceiver();
    const createdWebhooks: string[] = [];

    const emit = (event: string, payload: unknown) => app.get(EventEmitter2).emit(event, payload);
    const about = (m: ReceivedSyslog, ip: string) => m.doc.source?.ip === ip || m.doc.labels?.block_target === ip;
    const docsAbout = (receiver: RsyslogReceiver, ip: string) => receiver.messages().filter((m) => about(m, ip));
    const found = <T>(list: T[], min: number) => list.length >= min && list;
    /** ids_siem_deliveries_total summed over events, for one destination and outcome. */
    const metric = async (destination: string, outcome: string): Promise<number> => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      const labels = [`destination="${destination}"`, `outcome="${outcome}"`];
      return text
        .split('\n')
        .filter((l) => l.startsWith('ids_siem_deliveries_total{') && labels.every((label) => l.includes(label)))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    };

    beforeAll(async () => {
      const pki = makeTestPki(dir);
      tcp = new RsyslogReceiver(dir, 'tcp', await freePort());
      tls = new RsyslogReceiver(dir, 'tls', await freePort(), pki);
      await Promise.all([tcp.start(), tls.start(), webhooks.start()]);
      app = await createTestApp({
        REDIS_KEY_PREFIX: testRedisPrefix(`-siem-${randomUUID().slice(0, 8)}`),
        SIEM_SYSLOG_DESTINATIONS: `tcp://127.0.0.1:${tcp.port},tls://127.0.0.1:${tls.port}`,
        SIEM_SYSLOG_TLS_CA_FILE: pki.caFile,
        SIEM_SYSLOG_TIMEOUT_MS: '3000',
        SIEM_RETRY_DELAY_MS: '200',
        SIEM_MAX_ATTEMPTS: '12',
        SIEM_DIGEST_THRESHOLD: String(THRESHOLD),
        SIEM_DIGEST_WINDOW_MS: String(WINDOW_MS),
        SIEM_DIGEST_MAX_ALERTS: String(MAX_ALERTS),
        WEBHOOK_ALLOW_PRIVATE: 'true',
        INGEST_STREAM_ENABLED: 'false',
      });
    }, 60_000);
    afterAll(async () => {
      await app?.get(DataSource).query(`DELETE FROM webhooks WHERE id = ANY($1)`, [createdWebhooks]);
      await app?.get<Queue>(getQueueToken(QUEUES.SIEM)).obliterate({ force: true });
      await app?.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).obliterate({ force: true });
      await app?.close();
      await Promise.all([tcp?.stop(), tls?.stop(), webhooks.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it('delivers an alert and a block as ECS JSON to rsyslog over TCP and over TLS', async () => {
      const ip = '198.18.7.1';
      emit(AlertEvents.RAISED, alertEvent(7001, ip));
      emit('network.ip_blocked', blockEvent(ip));
      for (const receiver of [tcp, tls]) {
        const got = await waitFor(() => found(docsAbout(receiver, ip), 2), 30_000, `two documents at ${receiver.name}`);
        const alert = got.find((m) => m.msgId === 'alert.raised') as ReceivedSyslog;
        const block = got.find((m) => m.msgId === 'network.ip_blocked') as ReceivedSyslog;
        // facility 10 (authpriv) × 8 + severity 3 (error, a high-risk alert) / 4 (warning, a block)
        expect([alert.pri, alert.appName, block.pri]).toEqual([83, 'ids-ai', 84]);
        expect(alert.doc).toMatchObject({
          ecs: { version: expect.stringMatching(/^8\./) },
          event: {
            kind: 'alert',
            category: ['intrusion_detection', 'network'],
            type: ['info'],
            action: 'alert-raised',
            severity: 3,
            risk_score: 73,
          },
          source: { ip, port: 40001 },
          destination: { ip: '198.19.0.20', port: 22 },
          network: { transport: 'tcp' },
          rule: { name: 'PortScan' },
          observer: { product: 'IDS-AI', vendor: 'IDS-AI' },
          labels: { alert_id: '7001', risk_level: 'high' },
          message: `PortScan from ${ip} to 198.19.0.20:22, risk high`,
        });
        expect(Date.parse(alert.doc['@timestamp'])).not.toBeNaN();
        expect(alert.doc.threat).toEqual({
          framework: 'MITRE ATT&CK',
          tactic: { id: 'TA0007', name: 'Discovery', reference: 'https://attack.mitre.org/tactics/TA0007/' },
          technique: {
            id: 'T1046',
            name: 'Network Service Discovery',
            reference: 'https://attack.mitre.org/techniques/T1046/',
          },
        });
        expect(block.doc).toMatchObject({
          event: {
            kind: 'event',
            category: ['network', 'intrusion_detection'],
            type: ['denied', 'start'],
            action: 'ip-blocked',
          },
          source: { ip },
          labels: { block_id: '9001', alert_id: '7001', automatic: 'true' },
        });
      }
      // the same delivery (event.id) differs per destination: each destination has its own job
      const ids = [tcp, tls].map((r) => docsAbout(r, ip).find((m) => m.msgId === 'alert.raised')!.doc.event.id);
      expect(new Set(ids).size).toBe(2);
      // rsyslog can write a document before the delivery job that sent it has finished and been counted
      for (const destination of [`tcp://127.0.0.1:${tcp.port}`, `tls://127.0.0.1:${tls.port}`]) {
        const counted = async () => (await metric(destination, 'success')) >= 2;
        await waitFor(counted, 10_000, `two successful deliveries counted for ${destination}`);
      }
    });

    it('refuses a TLS receiver whose certificate the configured CA did not sign', async () => {
      const destination = parseSyslogDestination(`tls://127.0.0.1:${tls.port}`)!;
      const timestamp = new Date().toISOString();
      const header = { facility: 10, severity: 6, timestamp, hostname: 'test', appName: 'ids-ai', procId: '1' };
      const frames = [octetFrame(formatSyslogMessage({ ...header, msgId: 'probe' }, '{"probe":true}'))];
      const noCa = { caFile: null, certFile: null, keyFile: null };
      await expect(sendSyslog(destination, frames, noCa, 3000)).rejects.toThrow(/certificate/i);
      const withCa = { ...noCa, caFile: join(dir, 'ca.pem') };
      await expect(sendSyslog(destination, frames, withCa, 3000)).resolves.toBeUndefined();
      const probes = () => tls.messages().filter((m) => m.msgId === 'probe');
      await waitFor(() => probes().length > 0, 10_000, 'the probe with the CA');
      expect(probes()).toEqual([{ pri: 86, appName: 'ids-ai', msgId: 'probe', doc: { probe: true } }]);
    });

    it('keeps what it accepted while the receiver is down and delivers it when rsyslog is back', async () => {
      const ip = '198.18.7.2';
      await tcp.stop();
      emit(AlertEvents.RAISED, alertEvent(7002, ip, 'DDoS', 'critical'));
      const destination = `tcp://127.0.0.1:${tcp.port}`;
      await waitFor(async () => (await metric(destination, 'retry')) > 0, 20_000, 'a failed attempt');
      expect(docsAbout(tcp, ip)).toEqual([]);
      await tcp.start();
      const [got] = await waitFor(() => found(docsAbout(tcp, ip), 1), 40_000, 'the delivery after the restart');
      expect(got).toMatchObject({
        pri: 82,
        msgId: 'alert.raised',
        doc: {
          event: { kind: 'alert', severity: 4, risk_score: 99 },
          rule: { name: 'DDoS' },
          threat: { tactic: { id: 'TA0040' }, technique: { id: 'T1498', subtechnique: { id: 'T1498.001' } } },
        },
      });
      await waitFor(() => docsAbout(tls, ip).length > 0, 20_000, 'the TLS copy');
    });

    it('turns a 1,000-alert storm into at most one digest per window and destination, counting all', async () => {
      const ip = '198.18.7.3';
      await new Promise((r) => setTimeout(r, WINDOW_MS + 200)); // the earlier tests' alerts out of the rate window
      const started = Date.now();
      for (let n = 1; n <= STORM; n++) {
        emit(AlertEvents.RAISED, alertEvent(100_000 + n, ip, n % 3 ? 'PortScan' : 'DDoS', n % 2 ? 'high' : 'medium'));
      }
      const emittedIn = Date.now() - started;
      for (const receiver of [tcp, tls]) {
        const split = () => {
          const docs = receiver.messages().filter((m) => m.msgId.startsWith('alert.raised'));
          const isDigest = (m: ReceivedSyslog) =>
            m.msgId === 'alert.raised.digest' && m.doc.event.action === 'alert-digest';
          const digests = docs.filter(isDigest);
          const inDigests = docs.filter((m) => m.doc.labels?.digest_id && m.doc.source?.ip === ip);
          const singles = docs.filter((m) => m.msgId === 'alert.raised' && m.doc.source?.ip === ip);
          return { digests, inDigests, singles };
        };
        const accounted = () => {
          const { digests, singles } = split();
          return singles.length + digests.reduce((n, d) => n + (d.doc.ids_ai.digest.count as number), 0);
        };
        await waitFor(() => accounted() === STORM, 60_000, `every alert sent or counted at ${receiver.name}`);
        await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
        expect(accounted()).toBe(STORM);
        const { digests, inDigests, singles } = split();
        expect(singles.length).toBeGreaterThanOrEqual(THRESHOLD);
        expect(singles.length).toBeLessThan(100);
        expect(digests.length).toBeGreaterThanOrEqual(1);
        // one digest per window: each opened at least a window after the one before it
        const opened = digests.map((d) => Date.parse(d.doc.event.start as string)).sort((a, b) => a - b);
        for (let i = 1; i < opened.length; i++) {
          expect(opened[i] - opened[i - 1]).toBeGreaterThanOrEqual(WINDOW_MS - 5);
        }
        expect(digests.length).toBeLessThanOrEqual(Math.ceil((emittedIn + 2 * WINDOW_MS) / WINDOW_MS));
        for (const d of digests) {
          const digest = d.doc.ids_ai.digest;
          expect(d.doc).toMatchObject({
            event: { kind: 'alert', action: 'alert-digest' },
            labels: { digest_count: String(digest.count) },
          });
          const byType = Object.values(digest.by_attack_type as Record<string, number>);
          expect(byType.reduce((a, b) => a + b, 0)).toBe(digest.count);
          const carried = inDigests.filter((m) => m.doc.labels.digest_id === d.doc.event.id);
          expect(carried).toHaveLength(Math.min(MAX_ALERTS, digest.count));
          expect(digest.omitted).toBe(digest.count - carried.length);
        }
      }
    });

    it('sends ECS documents to a webhook whose payload_format is ecs', async () => {
      const admin = (await login(app, await createUser(app, { role: Role.ADMIN }))).access_token;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: bearer(admin),
        payload: {
          name: 'elastic',
          url: webhooks.url('/ecs'),
          events: ['alert.raised', 'network.ip_blocked'],
          payload_format: 'ecs',
        },
      });
      expect([res.statusCode, res.json().payload_format]).toEqual([201, 'ecs']);
      createdWebhooks.push(res.json().id);
      const ip = '198.18.7.4';
      emit(AlertEvents.RAISED, alertEvent(7004, ip));
      emit('network.ip_blocked', blockEvent(ip));
      // the database is shared: other spec files' applications may route their events here too
      const ours = () => webhooks.at('/ecs').filter((r) => (r.body as { source?: { ip?: string } }).source?.ip === ip);
      const got = await waitFor(() => found(ours(), 2), 20_000, 'two ECS webhook deliveries');
      const alert = got.find((r) => r.headers['x-ids-event'] === 'alert.raised')!;
      expect(alert.body).toMatchObject({
        event: { kind: 'alert', action: 'alert-raised', id: alert.headers['x-ids-delivery'] },
        source: { ip },
        rule: { name: 'PortScan' },
      });
      expect(alert.body).not.toHaveProperty('data');
      const block = got.find((r) => r.headers['x-ids-event'] === 'network.ip_blocked')!;
      expect(block.body).toMatchObject({ event: { kind: 'event', action: 'ip-blocked' }, source: { ip } });
    });

    it('sends OCSF events over syslog (SIEM_SYSLOG_FORMAT=ocsf) and to a webhook whose payload_format is ocsf', async () => {
      const ip = '198.18.7.5';
      const ocsfAbout = (doc: Record<string, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any
        doc.evidences?.[0]?.src_endpoint?.ip === ip || doc.unmapped?.block?.target === ip;
      const ocsfApp = await createTestApp({
        REDIS_KEY_PREFIX: testRedisPrefix(`-siem-ocsf-${randomUUID().slice(0, 8)}`),
        SIEM_SYSLOG_DESTINATIONS: `tcp://127.0.0.1:${tcp.port}`,
        SIEM_SYSLOG_FORMAT: 'ocsf',
        SIEM_SYSLOG_TIMEOUT_MS: '3000',
        SIEM_RETRY_DELAY_MS: '200',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        INGEST_STREAM_ENABLED: 'false',
      });
      try {
        const admin = (await login(ocsfApp, await createUser(ocsfApp, { role: Role.ADMIN }))).access_token;
        const res = await ocsfApp.inject({
          method: 'POST',
          url: '/api/v1/webhooks',
          headers: bearer(admin),
          payload: { name: 'lake', url: webhooks.url('/ocsf'), events: ['alert.raised'], payload_format: 'ocsf' },
        });
        expect([res.statusCode, res.json().payload_format]).toEqual([201, 'ocsf']);
        createdWebhooks.push(res.json().id);
        const events = ocsfApp.get(EventEmitter2);
        events.emit(AlertEvents.RAISED, alertEvent(7005, ip));
        events.emit('network.ip_blocked', blockEvent(ip));

        const got = await waitFor(() => found(tcp.messages().filter((m) => ocsfAbout(m.doc)), 2), 30_000, 'two OCSF events');
        const finding = got.find((m) => m.msgId === 'alert.raised') as ReceivedSyslog;
        const remediation = got.find((m) => m.msgId === 'network.ip_blocked') as ReceivedSyslog;
        // severity by the finding's severity_id (4, High: error) and warning for a block taking effect
        expect([finding.pri, remediation.pri]).toEqual([83, 84]);
        expect(finding.doc).toMatchObject({
          class_uid: 2004,
          activity_id: 1,
          type_uid: 200401,
          severity_id: 4,
          metadata: { version: '1.8.0', product: { name: 'IDS-AI' }, log_name: 'alerts' },
          finding_info: {
            uid: '7005',
            title: 'PortScan',
            attacks: [{ tactic: { uid: 'TA0007' }, technique: { uid: 'T1046', name: 'Network Service Discovery' } }],
          },
          evidences: [{ src_endpoint: { ip, port: 40005 }, dst_endpoint: { ip: '198.19.0.20', port: 22 } }],
        });
        expect(remediation.doc).toMatchObject({
          class_uid: 7004,
          activity_name: 'Isolate',
          command_uid: '9001',
          countermeasures: [{ d3f_technique: { uid: 'D3-ITF' } }],
          unmapped: { block: { target: ip, alert_id: '7001' } },
        });

        const ours = () => webhooks.at('/ocsf').filter((r) => ocsfAbout(r.body as Record<string, unknown>));
        const [hook] = await waitFor(() => found(ours(), 1), 20_000, 'the OCSF webhook delivery');
        expect(hook.body).toMatchObject({
          class_uid: 2004,
          finding_info: { uid: '7005' },
          metadata: { uid: hook.headers['x-ids-delivery'] },
        });
      } finally {
        await ocsfApp.get<Queue>(getQueueToken(QUEUES.SIEM)).obliterate({ force: true });
        await ocsfApp.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).obliterate({ force: true });
        await ocsfApp.close();
      }
    });
  });
}
