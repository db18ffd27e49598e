import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LightMyRequestResponse } from 'fastify';
import { Role } from '../../src/core/permissions';
import { testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser } from '../utils/factories';
import { featuresOf, readFixtureRows } from '../utils/fixtures';

const WINDOW_SECONDS = 10;
const LIMITS = { RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS), RATE_LIMIT_INGEST_PER_WINDOW: '5', RATE_LIMIT_API_PER_WINDOW: '4', RATE_LIMIT_ANONYMOUS_PER_WINDOW: '3' };

/** Polls until `check` holds (a loaded machine may be slow to let the window pass). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function expectRateLimited(res: LightMyRequestResponse, limit: number): void {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toMatchObject({ status_code: 429, error: 'RATE_LIMITED', message: expect.stringMatching(/Rate limit exceeded/) });
  expect(res.json().correlation_id).toEqual(expect.any(String));
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-policy']).toBe(`${limit};w=${WINDOW_SECONDS}`);
}

describe('per-principal rate limits (Redis, shared by every API instance)', () => {
  jest.setTimeout(90_000);
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  let flow: Record<string, unknown>;
  const prefix = testRedisPrefix('-limits');

  beforeAll(async () => {
    // two API instances on one Redis: the limits must hold across both
    a = await createTestApp({ ...LIMITS, REDIS_KEY_PREFIX: prefix });
    b = await createTestApp({ ...LIMITS, REDIS_KEY_PREFIX: prefix });
    const [row] = await readFixtureRows();
    flow = { src_ip: '198.18.40.1', dst_ip: '198.19.40.1', src_port: 40000, dst_port: 80, protocol: 'tcp', features: featuresOf(row) };
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const ingest = (app: NestFastifyApplication, key: string) =>
    app.inject({ method: 'POST', url: '/api/v1/flows', headers: { 'x-api-key': key }, payload: flow });

  it('refuses an API key past its ingest limit with 429, Retry-After and RateLimit headers; another key is unaffected', async () => {
    const key = await createApiKey(a);
    const other = await createApiKey(a);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ingest(i % 2 ? b : a, key); // alternating instances: one budget
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(WINDOW_SECONDS);
      remaining.push(String(res.headers['ratelimit-remaining']));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    expectRateLimited(await ingest(a, key), 5);
    expectRateLimited(await ingest(b, key), 5);

    const fresh = await ingest(b, other);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['ratelimit-remaining']).toBe('4');

    // once the window has passed the key is served again, with a whole budget
    await eventually(async () => (await ingest(a, key)).statusCode === 200);
    const after = await ingest(a, key);
    expect(after.statusCode).toBe(200);
    expect(Number(after.headers['ratelimit-remaining'])).toBeLessThanOrEqual(3);

    const metrics = await a.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ids_rate_limit_rejections_total\{scope="ingest"\} [1-9]/);
  });

  /** Signs in from an address of its own, so the logins do not draw on one anonymous budget. */
  let logins = 0;
  async function tokenOf(role: Role): Promise<string> {
    const user = await createUser(a, { role });
    const res = await a.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `198.18.41.${++logins}`, payload: { email: user.email, password: user.password } });
    expect(res.statusCode).toBe(200);
    return res.json().access_token;
  }

  it('counts users per user on the API budget, separately from their ingest budget', async () => {
    const viewer = await tokenOf(Role.VIEWER);
    const colleague = await tokenOf(Role.VIEWER);
    const list = (app: NestFastifyApplication, token: string) => app.inject({ method: 'GET', url: '/api/v1/alerts', headers: bearer(token) });
    for (let i = 0; i < 4; i++) expect((await list(i % 2 ? a : b, viewer)).statusCode).toBe(200);
    expectRateLimited(await list(a, viewer), 4);
    expect((await list(b, colleague)).statusCode).toBe(200);

    // an admin's ingest calls draw on the ingest budget and leave the API budget whole
    const admin = await tokenOf(Role.ADMIN);
    const adminIngest = () => a.inject({ method: 'POST', url: '/api/v1/flows', headers: bearer(admin), payload: flow });
    for (let i = 0; i < 5; i++) expect((await adminIngest()).statusCode).toBe(200);
    expectRateLimited(await adminIngest(), 5);
    const adminList = await list(a, admin);
    expect(adminList.statusCode).toBe(200);
    expect(adminList.headers['ratelimit-remaining']).toBe('3');
  });

  it('counts anonymous calls per client address', async () => {
    const attempt = (remoteAddress: string, i: number) =>
      a.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email: `nobody-${i}@example.test`, password: 'wrong-password' } });
    for (let i = 0; i < 3; i++) expect((await attempt('203.0.113.50', i)).statusCode).toBe(401);
    expectRateLimited(await attempt('203.0.113.50', 3), 3);
    expectRateLimited(await attempt('203.0.113.50', 4), 3);
    expect((await attempt('203.0.113.51', 5)).statusCode).toBe(401);
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    const attempt = (app: NestFastifyApplication, remoteAddress: string, forwarded: string, i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        headers: { 'x-forwarded-for': forwarded },
        payload: { email: `spoof-${i}@example.test`, password: 'wrong-password' },
      });
    // by default a client cannot pose as many addresses to escape its budget
    for (let i = 0; i < 3; i++) expect((await attempt(a, '203.0.113.60', `198.51.100.${i}`, i)).statusCode).toBe(401);
    expectRateLimited(await attempt(a, '203.0.113.60', '198.51.100.9', 3), 3);
    // behind a trusted proxy, the forwarded address is the client's
    const proxied = await createTestApp({ ...LIMITS, REDIS_KEY_PREFIX: `${prefix}-proxy`, TRUST_PROXY: '203.0.113.70' });
    try {
      for (let i = 0; i < 3; i++) expect((await attempt(proxied, '203.0.113.70', '198.51.100.20', 10 + i)).statusCode).toBe(401);
      expectRateLimited(await attempt(proxied, '203.0.113.70', '198.51.100.20', 13), 3);
      expect((await attempt(proxied, '203.0.113.70', '198.51.100.21', 14)).statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('never limits health probes and metrics scrapes', async () => {
    for (let i = 0; i < 12; i++) {
      for (const url of ['/health/live', '/health/ready', '/metrics']) {
        const res = await a.inject({ method: 'GET', url, remoteAddress: '203.0.113.60' });
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
    }
  });
});
