import { getQueueToken } from '@nestjs/bull';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { parseTarget } from '../../src/core/net';
import { ReadinessRegistry } from '../../src/infra/health/readiness.registry';
import { QUEUES } from '../../src/infra/queues/queues';
import { REDIS_CLIENT } from '../../src/infra/redis/redis.constants';
import { FirewallDriver } from '../../src/network/firewall';
import { NetworkEvents } from '../../src/network/network.events';
import { NetworkEnvelope } from './utils/event-recorder';
import { NetworkTestEnv, Sessions, caller, db, deleteKeys, driftCount, dryRun, eventually, firewallTargets, reconcile, sessions, statusOf } from './utils/network-test-app';

jest.setTimeout(30_000);

/** The reconciler's readiness probe, as /health/ready runs it (other components' probes aside). */
const firewallProbe = (app: NestFastifyApplication) => new Map(app.get(ReadinessRegistry).entries()).get('firewall')!.probe();

const metric = async (app: NestFastifyApplication, pattern: RegExp): Promise<number> => {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = pattern.exec(body);
  return match ? Number(match[1]) : NaN;
};

describe('reconciler: the firewall follows the database (dry-run driver, 1 s interval)', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;
  let as: ReturnType<typeof caller>;
  const events: NetworkEnvelope[] = [];

  beforeAll(async () => {
    await env.setUp();
    app = await env.app({ FIREWALL_JOB_ATTEMPTS: '2' });
    s = await sessions(app);
    as = caller(app, s.security);
    for (const name of Object.values(NetworkEvents)) app.get(EventEmitter2).on(name, (payload) => events.push({ name, payload }));
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  it('restores an entry removed from the firewall by hand and removes one added by hand, counting the drift', async () => {
    const action = (await as('POST', '/network/block-ip', { ip: '198.51.100.40', duration: 600, reason: 'drift' })).json();
    await eventually('applied', async () => (await firewallTargets(app)).includes('198.51.100.40'));
    const missingBefore = await driftCount(app, 'set_member', 'missing', 'reconciler');
    const unexpectedBefore = await driftCount(app, 'set_member', 'unexpected', 'reconciler');

    await dryRun(app).unblockAddress(parseTarget('198.51.100.40'));
    await dryRun(app).blockPort(4444, 'udp');
    expect(await firewallTargets(app)).not.toContain('198.51.100.40');
    await eventually('repaired by the periodic pass', async () => {
      const held = await firewallTargets(app);
      return held.includes('198.51.100.40') && !held.includes('4444/udp');
    }, 4000);
    expect(await statusOf(app, action.id)).toBe('active');
    expect(await driftCount(app, 'set_member', 'missing', 'reconciler')).toBe(missingBefore + 1);
    expect(await driftCount(app, 'set_member', 'unexpected', 'reconciler')).toBe(unexpectedBefore + 1);
    expect(await metric(app, /ids_firewall_rules\{kind="address"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(await metric(app, /ids_network_actions_total\{type="block_ip",outcome="created"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(await metric(app, /ids_network_job_duration_seconds_count\{job="apply",outcome="success"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(await metric(app, /ids_network_queue_depth\{state="waiting"\} (\d+)/)).toBeGreaterThanOrEqual(0);
    expect(await firewallProbe(app)).toMatchObject({ driver: 'dry-run', last_reconcile_at: expect.any(String) });
  });

  it('expires an action past expires_at that has no delayed job, and takes it out of the firewall', async () => {
    const [row] = await db(app).query(
      `INSERT INTO network_actions (action_type, target, family, status, reason, duration_seconds, expires_at, applied_at)
       VALUES ('block_ip', '198.51.100.41', 4, 'active', 'orphan', 60, now() - interval '5 seconds', now() - interval '65 seconds')
       RETURNING id::text AS id`,
    );
    await dryRun(app).blockAddress(parseTarget('198.51.100.41'));
    await eventually('expired and removed', async () =>
      (await statusOf(app, row.id)) === 'expired' && !(await firewallTargets(app)).includes('198.51.100.41'), 3000);
    await eventually('event', async () => events.find((e) => e.name === NetworkEvents.BLOCK_EXPIRED && e.payload.action.id === row.id));
    const [audit] = await db(app).query(`SELECT actor_type, before, after FROM audit_log WHERE action = 'network.block.expire' AND target_id = $1`, [row.id]);
    expect(audit).toMatchObject({ actor_type: 'system', after: { status: 'expired' } });
  });

  it('still expires blocks on time when Redis loses the queue (delayed jobs flushed)', async () => {
    const action = (await as('POST', '/network/block-ip', { ip: '198.51.100.42', duration: 2, reason: 'short' })).json();
    await eventually('active', async () => (await statusOf(app, action.id)) === 'active');
    expect(await deleteKeys(`${env.redisPrefix}:bull:network:*`)).toBeGreaterThan(0);
    expect(await app.get(REDIS_CLIENT as never as typeof Redis).exists(`${env.redisPrefix}:bull:network:expire:${action.id}`)).toBe(0);
    const started = Date.now();
    await eventually('expired by the reconciler', async () => (await statusOf(app, action.id)) === 'expired', 5000);
    expect(Date.now() - started).toBeLessThan(2000 + 1000 + 1500);
    expect(await firewallTargets(app)).not.toContain('198.51.100.42');
  });

  it('keeps blocking and expiring with Redis down: the request succeeds, the reconciler does the jobs\' work', async () => {
    const queue = app.get<Queue>(getQueueToken(QUEUES.NETWORK));
    const redis = app.get<Redis>(REDIS_CLIENT as never);
    const down = () => Promise.reject(new Error('Connection is closed.'));
    const spies = [jest.spyOn(queue, 'add').mockImplementation(down), jest.spyOn(queue, 'getJob').mockImplementation(down), jest.spyOn(redis, 'set').mockImplementation(down)];
    try {
      const started = Date.now();
      const res = await as('POST', '/network/block-ip', { ip: '198.51.100.44', duration: 2, reason: 'redis down' });
      expect(res.statusCode).toBe(201);
      expect(Date.now() - started).toBeLessThan(1000);
      await eventually('applied by the reconciler', async () => (await statusOf(app, res.json().id)) === 'active' && (await firewallTargets(app)).includes('198.51.100.44'), 3000);
      await eventually('expired by the reconciler', async () => (await statusOf(app, res.json().id)) === 'expired', 5000);
      expect(await firewallTargets(app)).not.toContain('198.51.100.44');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('runs one pass at a time, and leaves the firewall to another instance holding the lock', async () => {
    const [a, b] = [reconcile(app), reconcile(app)];
    expect(a).toBe(b);
    await a;
    const redis = app.get<Redis>(REDIS_CLIENT as never);
    const key = `${env.redisPrefix}:network:firewall-lock:host:ids_ai`;
    await redis.set(key, 'another-instance', 'PX', 20_000);
    try {
      const result = await reconcile(app);
      expect(result).toMatchObject({ sync: null });
    } finally {
      await redis.del(key);
    }
    expect((await reconcile(app))?.sync).not.toBeNull();
  });

  it('marks a block failed, with the error, when the firewall refuses it on every attempt', async () => {
    const driver = app.get(FirewallDriver);
    const apply = jest.spyOn(driver, 'apply').mockRejectedValue(new Error('ipset: kernel error'));
    try {
      const action = (await as('POST', '/network/block-ip', { ip: '198.51.100.43', duration: 60, reason: 'will fail' })).json();
      const failed = await eventually('failed', async () => {
        const got = (await as('GET', `/network/actions/${action.id}`)).json();
        return got.status === 'failed' && got;
      }, 8000);
      expect(failed).toMatchObject({ attempts: 2, error: 'ipset: kernel error', applied_at: null });
      await eventually('event', async () => events.find((e) => e.name === NetworkEvents.BLOCK_FAILED && e.payload.action.id === action.id));

      // drift the pass cannot repair while the firewall fails: readiness reports it
      await FirewallDriver.prototype.apply.call(driver, { blockPorts: [{ port: 5555, proto: 'udp' }] });
      await reconcile(app);
      await expect(firewallProbe(app)).rejects.toThrow(/last firewall reconcile failed: ipset: kernel error/);
    } finally {
      apply.mockRestore();
    }
    await reconcile(app);
    await expect(firewallProbe(app)).resolves.toMatchObject({ driver: 'dry-run' });
    expect(await firewallTargets(app)).not.toContain('198.51.100.43');
    expect(await firewallTargets(app)).not.toContain('5555/udp');
  });
});
