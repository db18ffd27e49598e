import { getQueueToken } from '@nestjs/bull';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AlertEvents } from '../../src/alerts/alert.events';
import { Role } from '../../src/core/permissions';
import { QUEUES } from '../../src/infra/queues/queues';
import { verifyWebhookSignature } from '../../src/notifications/webhook-signature';
import { testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login } from '../utils/factories';
import { ReceivedRequest, WebhookReceiver, waitFor } from './webhook-receiver';

jest.setTimeout(60_000);

const THRESHOLD = 20;
const MAX_ALERTS = 5;
const WINDOW_MS = 1000;

interface Digest {
  count: number;
  first_at: string;
  last_at: string;
  window_ms: number;
  by_attack_type: Record<string, number>;
  by_risk_level: Record<string, number>;
  alerts: { alert: { id: string } }[];
  omitted: number;
}

const TYPES = ['DDoS', 'PortScan', 'Bot'];
const alertEvent = (n: number) => ({
  alert: { id: String(n), attack_type: TYPES[n % 3], risk_level: n % 2 ? 'high' : 'medium', status: 'active', src_ip: '198.51.100.20' },
});
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('webhook deliveries in an alert storm', () => {
  const receiver = new WebhookReceiver();
  let app: NestFastifyApplication;
  let admin: string;
  const createdIds: string[] = [];

  const create = async (path: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: bearer(admin),
      payload: { name: path, url: receiver.url(path), events: ['alert.raised'], secret: 'storm-signing-secret-00001' },
    });
    expect(res.statusCode).toBe(201);
    createdIds.push(res.json().id);
    return res.json() as { id: string };
  };
  const emitAlerts = (from: number, to: number) => {
    for (let n = from; n <= to; n++) app.get(EventEmitter2).emit(AlertEvents.RAISED, alertEvent(n));
  };
  const split = (requests: ReceivedRequest[]) => ({
    singles: requests.filter((r) => r.body.event === 'alert.raised'),
    digests: requests.filter((r) => r.body.event === 'alert.raised.digest'),
  });

  beforeAll(async () => {
    await receiver.start();
    app = await createTestApp({
      REDIS_KEY_PREFIX: testRedisPrefix(`-digest-${randomUUID().slice(0, 8)}`),
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_DELAY_MS: '50',
      WEBHOOK_DIGEST_THRESHOLD: String(THRESHOLD),
      WEBHOOK_DIGEST_WINDOW_MS: String(WINDOW_MS),
      WEBHOOK_DIGEST_MAX_ALERTS: String(MAX_ALERTS),
      INGEST_STREAM_ENABLED: 'false',
    });
    admin = (await login(app, await createUser(app, { role: Role.ADMIN }))).access_token;
  }, 30_000);
  afterAll(async () => {
    await app?.get(DataSource).query(`DELETE FROM webhooks WHERE id = ANY($1)`, [createdIds]);
    await app?.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).obliterate({ force: true });
    await app?.close();
    await receiver.stop();
  }, 30_000);

  it('turns 999 new alerts into a few deliveries: singles up to the threshold, then digests counting all the others', async () => {
    const hook = await create('/storm');
    emitAlerts(1, 999);
    const delivered = () => {
      const { singles, digests } = split(receiver.at('/storm'));
      return singles.length + digests.reduce((n, d) => n + (d.body.data as unknown as Digest).count, 0);
    };
    await waitFor(() => delivered() === 999, 40_000, 'every alert delivered singly or counted in a digest');
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    expect(delivered()).toBe(999);

    const requests = receiver.at('/storm');
    const { singles, digests } = split(requests);
    expect(requests.length).toBeLessThan(100);
    expect(singles.length).toBeGreaterThanOrEqual(THRESHOLD);
    expect(digests.length).toBeGreaterThanOrEqual(1);
    const ids: string[] = singles.map((r) => (r.body.data as { alert: { id: string } }).alert.id);
    for (const request of digests) {
      const digest = request.body.data as unknown as Digest;
      expect(request.headers['x-ids-event']).toBe('alert.raised.digest');
      expect(verifyWebhookSignature('storm-signing-secret-00001', request.headers['x-ids-timestamp'] as string, request.raw, request.headers['x-ids-signature'] as string)).toBe(true);
      expect(digest.alerts).toHaveLength(Math.min(MAX_ALERTS, digest.count));
      expect(digest.omitted).toBe(digest.count - digest.alerts.length);
      expect([sum(digest.by_attack_type), sum(digest.by_risk_level), digest.window_ms]).toEqual([digest.count, digest.count, WINDOW_MS]);
      expect(Date.parse(digest.last_at)).toBeGreaterThanOrEqual(Date.parse(digest.first_at));
      // the first alerts of the digest, in the order they were raised, each as an alert.raised delivery carries it
      const listed = digest.alerts.map((a) => a.alert.id);
      expect(listed.map(Number)).toEqual([...listed.map(Number)].sort((a, b) => a - b));
      expect(digest.alerts[0]).toMatchObject({ alert: { attack_type: expect.any(String), risk_level: expect.any(String) } });
      ids.push(...listed);
    }
    expect(new Set(ids).size).toBe(ids.length);

    const log = (await app.inject({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries?limit=100`, headers: bearer(admin) })).json().items;
    expect(log.filter((d: { event: string; success: boolean }) => d.event === 'alert.raised.digest' && d.success)).toHaveLength(digests.length);
  });

  it('below the threshold delivers each alert on its own, as before', async () => {
    await create('/calm');
    emitAlerts(2001, 2005);
    await waitFor(() => receiver.at('/calm').length === 5, 20_000, 'five deliveries');
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    const requests = receiver.at('/calm');
    expect(requests.map((r) => r.body.event)).toEqual(Array(5).fill('alert.raised'));
    expect(requests.map((r) => (r.body.data as { alert: { id: string } }).alert.id).sort()).toEqual(['2001', '2002', '2003', '2004', '2005']);
  });
});
