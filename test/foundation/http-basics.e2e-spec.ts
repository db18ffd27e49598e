import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp } from '../utils/create-test-app';

describe('HTTP foundation', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('GET /health/live answers 200', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });

  it('GET /health/ready checks the database and Redis', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('echoes a caller X-Request-Id and generates one otherwise', async () => {
    const echoed = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const generated = await app.inject({ method: 'GET', url: '/health/live' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'a b\u0000c' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the JSON error shape and the correlation id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-request-id': 'req-404' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status_code: 404, error: 'NOT_FOUND', correlation_id: 'req-404' });
  });

  it('counts requests by route template in /metrics', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status_code="200"\} \d+/);
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health\/live"/);
    expect(res.body).toContain('process_resident_memory_bytes');
    expect(res.body).not.toMatch(/route="\/api\/v1\/nope"/);
  });

  it('serves the OpenAPI document at /docs-json', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().info.title).toBe('IDS-AI API');
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ METRICS_TOKEN: 'scrape-secret' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('requires the bearer token', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-secret' } });
    expect(ok.statusCode).toBe(200);
  });
});
