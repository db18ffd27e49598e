import { getQueueToken } from '@nestjs/bull';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AlertEvents } from '../../src/alerts/alert.events';
import { Role } from '../../src/core/permissions';
import { QUEUES } from '../../src/infra/queues/queues';
import { WebhookSecretCipher } from '../../src/notifications/webhook-secret.cipher';
import { verifyWebhookSignature } from '../../src/notifications/webhook-signature';
import { testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login } from '../utils/factories';
import { WebhookReceiver, waitFor } from './webhook-receiver';

// deliveries are asynchronous (Bull): each test waits for what the receiver and the delivery log show
jest.setTimeout(20_000);

interface Delivery {
  id: string;
  delivery_id: string;
  event: string;
  attempt: number;
  success: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
}

const alertEvent = (risk_level: string, src_ip = '198.51.100.20') => ({
  alert: { id: String(Math.floor(Math.random() * 1e9)), attack_type: 'DDoS', risk_level, status: 'active', src_ip },
});

describe('outbound webhooks', () => {
  const receiver = new WebhookReceiver();
  let app: NestFastifyApplication;
  let admin: string;
  const createdIds: string[] = [];

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, token = admin) =>
    app.inject({ method, url: `/api/v1/webhooks${url}`, headers: bearer(token), payload });
  const create = async (payload: object) => {
    const res = await api('POST', '', payload);
    expect([res.statusCode, res.statusCode === 201 ? '' : res.body]).toEqual([201, '']);
    const hook = res.json() as { id: string; secret: string };
    createdIds.push(hook.id);
    return hook;
  };
  const deliveries = async (id: string): Promise<Delivery[]> => (await api('GET', `/${id}/deliveries`)).json().items;
  const emit = (event: string, payload: unknown) => app.get(EventEmitter2).emit(event, payload);

  beforeAll(async () => {
    await receiver.start();
    app = await createTestApp({
      // a Bull prefix of its own: no other spec's application picks up these deliveries
      REDIS_KEY_PREFIX: testRedisPrefix(`-webhooks-${randomUUID().slice(0, 8)}`),
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_DELAY_MS: '50',
      WEBHOOK_TIMEOUT_MS: '400',
      INGEST_STREAM_ENABLED: 'false',
    });
    admin = (await login(app, await createUser(app, { role: Role.ADMIN }))).access_token;
  }, 30_000);
  afterAll(async () => {
    // the database is shared with the other specs: webhooks left active would take their alerts' events
    await app?.get(DataSource).query(`DELETE FROM webhooks WHERE id = ANY($1)`, [createdIds]);
    await app?.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).obliterate({ force: true });
    await app?.close();
    await receiver.stop();
  }, 30_000);

  it('shows the generated secret once, stores it encrypted, and never returns it again', async () => {
    const created = await create({ name: 'soc', url: receiver.url('/secret'), events: ['alert.raised'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'soc', events: ['alert.raised'], min_risk_level: null, is_active: true });
    const [row] = await app.get(DataSource).query(`SELECT secret FROM webhooks WHERE id = $1`, [created.id]);
    expect(row.secret).not.toContain(created.secret.slice(6));
    expect(app.get(WebhookSecretCipher).decrypt(row.secret)).toBe(created.secret);

    const list = await api('GET', '');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.secret);
    expect(list.json().find((w: { id: string }) => w.id === created.id)).not.toHaveProperty('secret');
    expect((await api('GET', `/${created.id}/deliveries`)).body).not.toContain(created.secret);
    const audit = await app.get(DataSource).query(`SELECT after FROM audit_log WHERE action = 'webhook.create' AND target_id = $1`, [created.id]);
    expect(JSON.stringify(audit)).not.toContain(created.secret);
  });

  it('delivers a signed event: body, headers and signature verify with the secret', async () => {
    const secret = 'my-own-signing-secret-0001';
    const hook = await create({ name: 'signed', url: receiver.url('/signed'), events: ['alert.raised', 'alert.resolved'], secret });
    expect(hook.secret).toBe(secret);
    emit(AlertEvents.RAISED, alertEvent('medium'));

    const [req] = await waitFor(() => receiver.at('/signed').length && receiver.at('/signed'), 10_000, 'the delivery');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-ids-event']).toBe('alert.raised');
    expect(req.headers['x-ids-attempt']).toBe('1');
    expect(req.body).toMatchObject({ id: req.headers['x-ids-delivery'], event: 'alert.raised', data: { alert: { risk_level: 'medium' } } });
    expect(Math.abs(Date.parse(req.body.occurred_at) - Date.now())).toBeLessThan(10_000);
    const timestamp = req.headers['x-ids-timestamp'] as string;
    const signature = req.headers['x-ids-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, timestamp, req.raw, signature)).toBe(true);
    expect(verifyWebhookSignature('another-secret-value-000', timestamp, req.raw, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, String(Number(timestamp) + 1), req.raw, signature)).toBe(false);

    const [attempt] = await waitFor(() => deliveries(hook.id).then((d) => d.length > 0 && d), 5_000, 'the delivery record');
    expect(attempt).toMatchObject({ delivery_id: req.body.id, event: 'alert.raised', attempt: 1, success: true, status_code: 200, error: null });
    expect(attempt.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('filters alert events by min_risk_level and other events not at all', async () => {
    const high = await create({ name: 'high', url: receiver.url('/high'), events: ['alert.raised', 'network.ip_blocked'], min_risk_level: 'high' });
    const all = await create({ name: 'all', url: receiver.url('/all'), events: ['alert.raised'] });
    emit(AlertEvents.RAISED, alertEvent('medium', '198.51.100.31'));
    emit(AlertEvents.RAISED, alertEvent('low', '198.51.100.32'));
    emit(AlertEvents.UPDATED, { ...alertEvent('critical', '198.51.100.33'), change: 'status', actor_id: null });
    emit(AlertEvents.RAISED, alertEvent('critical', '198.51.100.34'));
    emit('network.ip_blocked', { action: { id: '7', target: '198.51.100.35' } });

    await waitFor(() => receiver.at('/high').length >= 2 && receiver.at('/all').length >= 3, 10_000, 'deliveries');
    await new Promise((r) => setTimeout(r, 300));
    const srcIps = (path: string) => receiver.at(path).flatMap((r) => (r.body.event === 'alert.raised' ? [(r.body.data.alert as { src_ip: string }).src_ip] : []));
    expect(receiver.at('/high').map((r) => r.body.event).sort()).toEqual(['alert.raised', 'network.ip_blocked']);
    expect(srcIps('/high')).toEqual(['198.51.100.34']);
    expect(receiver.at('/high').find((r) => r.body.event === 'network.ip_blocked')!.body.data).toEqual({ action: { id: '7', target: '198.51.100.35' } });
    expect(srcIps('/all').sort()).toEqual(['198.51.100.31', '198.51.100.32', '198.51.100.34']);
    expect((await deliveries(high.id)).every((d) => d.success)).toBe(true);
    expect(await deliveries(all.id)).toHaveLength(3);
  });

  it('retries a failing endpoint with backoff, then records the delivery as failed', async () => {
    const hook = await create({ name: 'failing', url: receiver.url('/fail', { status: 500 }), events: ['network.block_revoked'] });
    emit('network.block_revoked', { action: { id: '9' } });

    const attempts = await waitFor(() => deliveries(hook.id).then((d) => d.length >= 3 && d), 10_000, 'three attempts');
    await new Promise((r) => setTimeout(r, 400));
    expect(await deliveries(hook.id)).toHaveLength(3);
    expect(attempts.map((d) => [d.attempt, d.success, d.status_code, d.error])).toEqual([
      [3, false, 500, 'HTTP 500 Internal Server Error'],
      [2, false, 500, 'HTTP 500 Internal Server Error'],
      [1, false, 500, 'HTTP 500 Internal Server Error'],
    ]);
    expect(new Set(attempts.map((d) => d.delivery_id)).size).toBe(1);
    const received = receiver.at('/fail');
    expect(received.map((r) => r.headers['x-ids-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(received.map((r) => r.headers['x-ids-delivery']))).toEqual(new Set([attempts[0].delivery_id]));

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('ids_webhook_deliveries_total{event="network.block_revoked",outcome="retry"} 2');
    expect(metrics).toContain('ids_webhook_deliveries_total{event="network.block_revoked",outcome="failed"} 1');
    expect(metrics).toMatch(/ids_webhook_deliveries_total\{event="alert.raised",outcome="success"\} \d+/);
  });

  it('records a timeout as a failed attempt without a status code', async () => {
    const hook = await create({ name: 'slow', url: receiver.url('/slow', { delayMs: 1500, status: 200 }), events: ['model.activated'] });
    emit('model.activated', { version: 'v9' });
    const attempts = await waitFor(() => deliveries(hook.id).then((d) => d.length >= 3 && d), 15_000, 'three attempts');
    expect(attempts.map((d) => [d.success, d.status_code, d.error])).toEqual(new Array(3).fill([false, null, 'timed out after 400 ms']));
  });

  it('queues a ping on POST /webhooks/{id}/test and lists its delivery', async () => {
    const hook = await create({ name: 'ping', url: receiver.url('/ping'), events: ['alert.resolved'] });
    const res = await api('POST', `/${hook.id}/test`);
    expect(res.statusCode).toBe(202);
    const { delivery_id } = res.json();
    expect(res.json()).toEqual({ delivery_id: expect.any(String), event: 'ping' });
    const [req] = await waitFor(() => receiver.at('/ping').length && receiver.at('/ping'), 10_000, 'the ping');
    expect(req.headers['x-ids-event']).toBe('ping');
    expect(req.headers['x-ids-delivery']).toBe(delivery_id);
    expect(req.body).toMatchObject({ id: delivery_id, event: 'ping', data: { webhook_id: hook.id } });
    expect(verifyWebhookSignature(hook.secret, req.headers['x-ids-timestamp'] as string, req.raw, req.headers['x-ids-signature'] as string)).toBe(true);
    const listed = await waitFor(() => deliveries(hook.id).then((d) => d.length > 0 && d), 5_000, 'the record');
    expect(listed).toEqual([expect.objectContaining({ delivery_id, event: 'ping', success: true, status_code: 200 })]);
  });

  it('resolves a host name at connect time and delivers to it when allowed', async () => {
    const hook = await create({ name: 'named', url: receiver.url('/named').replace('127.0.0.1', 'localhost'), events: ['alert.raised'] });
    expect((await api('POST', `/${hook.id}/test`)).statusCode).toBe(202);
    await waitFor(() => receiver.at('/named').length, 10_000, 'the delivery to localhost');
    const [attempt] = await waitFor(() => deliveries(hook.id).then((d) => d.length > 0 && d), 5_000, 'the record');
    expect(attempt).toMatchObject({ success: true, status_code: 200 });
  });

  it('deletes a webhook and its log; later calls answer 404', async () => {
    const hook = await create({ name: 'gone', url: receiver.url('/gone'), events: ['alert.raised'] });
    expect((await api('DELETE', `/${hook.id}`)).statusCode).toBe(204);
    expect((await api('GET', '')).json().map((w: { id: string }) => w.id)).not.toContain(hook.id);
    for (const [method, url] of [['DELETE', `/${hook.id}`], ['POST', `/${hook.id}/test`], ['GET', `/${hook.id}/deliveries`]] as const) {
      expect([method, url, (await api(method, url)).statusCode]).toEqual([method, url, 404]);
    }
    expect((await api('GET', '/not-a-uuid/deliveries')).json().details[0].field).toBe('id');
    emit(AlertEvents.RAISED, alertEvent('critical'));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at('/gone')).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, and metadata addresses even when private ones are allowed', async () => {
    const field = async (payload: object) => {
      const res = await api('POST', '', payload);
      expect(res.statusCode).toBe(400);
      return res.json().details.map((d: { field: string }) => d.field);
    };
    const ok = { name: 'x', url: receiver.url('/x'), events: ['alert.raised'] };
    expect(await field({ ...ok, url: 'ftp://example.com/hook' })).toEqual(['url']);
    expect(await field({ ...ok, url: 'http://169.254.169.254/latest/meta-data' })).toEqual(['url']);
    expect(await field({ ...ok, url: 'http://user:pw@127.0.0.1/x' })).toEqual(['url']);
    expect(await field({ ...ok, events: ['alert.bogus'] })).toEqual(['events']);
    expect(await field({ ...ok, events: [] })).toEqual(['events']);
    expect(await field({ ...ok, min_risk_level: 'severe' })).toEqual(['min_risk_level']);
    expect(await field({ ...ok, secret: 'short' })).toEqual(['secret']);
    expect(await field({ url: ok.url, events: ok.events })).toEqual(expect.arrayContaining(['name']));
    expect(await field({ ...ok, is_active: false })).toEqual(['is_active']);
  });

  it('is for admins only (system_config)', async () => {
    const security = (await login(app, await createUser(app, { role: Role.SECURITY }))).access_token;
    expect((await api('GET', '', undefined, security)).statusCode).toBe(403);
    expect((await api('POST', '', { name: 'x', url: receiver.url('/x'), events: ['alert.raised'] }, security)).statusCode).toBe(403);
  });
});

describe('outbound webhooks without WEBHOOK_ALLOW_PRIVATE', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ REDIS_KEY_PREFIX: testRedisPrefix(`-webhooks-${randomUUID().slice(0, 8)}`), INGEST_STREAM_ENABLED: 'false' });
  }, 30_000);
  afterAll(async () => {
    await app?.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).obliterate({ force: true });
    await app?.close();
  }, 30_000);

  it('refuses loopback, private and link-local targets (SSRF)', async () => {
    const token = (await login(app, await createUser(app, { role: Role.ADMIN }))).access_token;
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]/x', 'http://10.0.0.8/x', 'http://169.254.10.10/x', 'http://[::ffff:192.168.0.1]/x']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(token), payload: { name: 'x', url, events: ['alert.raised'] } });
      expect([url, res.statusCode, res.json().details?.[0]?.field]).toEqual([url, 400, 'url']);
    }
  });
});
