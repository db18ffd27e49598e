import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, createUserSession } from '../utils/factories';

/**
 * The answers the fuzzers first found wrong, pinned down: each was a 5xx, a foreign error shape or a 400 naming
 * nothing.
 */
describe('hostile input gets a 4xx in the API error shape', () => {
  let app: NestFastifyApplication;
  let auth: Record<string, string>;

  beforeAll(async () => {
    app = await createTestApp();
    auth = bearer((await createUserSession(app, Role.ADMIN)).session.access_token);
  });
  afterAll(async () => {
    await app?.close();
  });

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: string, type = 'application/json') =>
    app.inject({ method, url, headers: { ...auth, ...(payload === undefined ? {} : { 'content-type': type }) }, payload });

  function expectFieldError(res: Awaited<ReturnType<typeof send>>, status: number, field: string) {
    expect({ status: res.statusCode, body: res.json() }).toEqual({
      status,
      body: {
        status_code: status,
        error: expect.any(String),
        message: expect.any(String),
        details: expect.arrayContaining([expect.objectContaining({ field })]),
        correlation_id: res.headers['x-request-id'],
      },
    });
  }

  it('answers what Fastify refuses itself (unparsable body, unknown media type, undecodable URL) like the rest', async () => {
    expectFieldError(await send('POST', '/api/v1/webhooks', '{"name":'), 400, 'body');
    expectFieldError(await send('POST', '/api/v1/webhooks', '{"__proto__":{"polluted":true}}'), 400, 'body');
    expectFieldError(await send('POST', '/api/v1/webhooks', '', 'application/json'), 400, 'body');
    expectFieldError(await send('POST', '/api/v1/webhooks', '<a/>', 'application/xml'), 415, 'body');
    expectFieldError(await send('GET', '/api/v1/users/%zz'), 400, 'url');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a body that is not an object, nests too deeply or holds NUL or a lone surrogate, naming where', async () => {
    expectFieldError(await send('POST', '/api/v1/auth/refresh', '["x"]'), 400, 'body');
    expectFieldError(await send('POST', '/api/v1/auth/refresh', 'just text', 'text/plain'), 400, 'body');
    expectFieldError(await send('POST', '/api/v1/webhooks', `{"name":"x","events":${'['.repeat(50_000)}${']'.repeat(50_000)}}`), 400, 'events');
    expectFieldError(await send('POST', '/api/v1/alerts/bulk/status', '{"status":"resolved","filter":{"attack_type":["a\\u0000"]}}'), 400, 'filter.attack_type[0]');
    expectFieldError(await send('GET', '/api/v1/flows?label=%00'), 400, 'label');
    // a lone surrogate made the email validator throw (URIError), answered 500
    const user = '{"email":"a@b.example\\ud800","role":"viewer","password":"long enough password"}';
    expectFieldError(await send('POST', '/api/v1/users', user), 400, 'email');
  });

  it('names an unknown field by its key, quoted when it reads as a path', async () => {
    expectFieldError(await send('POST', '/api/v1/auth/refresh', '{"refresh_token":"x","":1}'), 400, '[""]');
    expectFieldError(await send('GET', '/api/v1/events?198.51.100.7=1'), 400, '["198.51.100.7"]');
  });

  it('names odd keys of ingested flows, and refuses broken uploads, unstorable EVE text and unstorable confidences', async () => {
    const flow = JSON.stringify({ features: Array.from({ length: 78 }, () => 0) });
    expectFieldError(await send('POST', '/api/v1/flows', `{"":1,${flow.slice(1)}`), 400, '[""]');
    expectFieldError(await send('POST', '/api/v1/flows/batch', `{"flows":[${flow}],"[0]":1}`), 400, '["[0]"]');
    const spaced = await send('POST', '/api/v1/flows', JSON.stringify({ features: { ' Flow Duration': 'x' } }));
    expectFieldError(spaced, 400, 'features[" Flow Duration"]');
    const upload = await send('POST', '/api/v1/flows/import', '--fuzz', 'multipart/form-data; boundary=fuzz');
    expectFieldError(upload, 400, 'file');
    const nul = '{"event_type":"alert","src_ip":"198.18.0.1","dest_ip":"198.19.0.1","alert":{"signature":"a\\u0000b","severity":1}}';
    expectFieldError(await send('POST', '/api/v1/ingest/eve', nul, 'application/x-ndjson'), 400, 'line 1');
    const surrogate = nul.replace('\\u0000', '\\ud800');
    expectFieldError(await send('POST', '/api/v1/ingest/eve', surrogate, 'application/x-ndjson'), 400, 'line 1');
    const tiny = await send('POST', '/api/v1/inference/process', JSON.stringify({ prediction: 'attack', attack_type: 'DDoS', confidence: 1e-64 }));
    expect(tiny.statusCode).toBeLessThan(300);
  });

  it('refuses flows whose text cannot be stored or that nest too deeply, naming the field', async () => {
    const features = JSON.stringify(Array.from({ length: 78 }, () => 0));
    const flow = (fields: string) => `{${fields}"features":${features}}`;
    expectFieldError(await send('POST', '/api/v1/flows/batch', `{"flows":[${flow('')},${flow('"flow_id":"a\\u0000b",')}]}`), 400, 'flows[1].flow_id');
    expectFieldError(await send('POST', '/api/v1/flows', flow('"flow_id":"a\\udc00",')), 400, 'flow_id');
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expectFieldError(await send('POST', '/api/v1/flows/batch', `{"flows":[${flow(`"src_ip":${deep},`)}]}`), 400, 'flows');
    expectFieldError(await send('POST', '/api/v1/flows/batch', `{"flows":${deep}}`), 400, 'flows');
    expectFieldError(await send('POST', '/api/v1/flows', `{"features":{"Flow Duration":${deep}}}`), 400, 'features');
    // a paired surrogate is text like any other
    const paired = await send('POST', '/api/v1/flows', flow('"flow_id":"\\ud83d\\udd25",'));
    expect(paired.statusCode).toBe(200);
  });

  it('validates a login email given along with a username', async () => {
    expectFieldError(await send('POST', '/api/v1/auth/login', '{"email":12,"username":"someone","password":"secret-password"}'), 400, 'email');
  });

  it('answers 409 naming the field for a username already in use', async () => {
    const user = (name: string) => JSON.stringify({ email: `${name}@example.test`, username: 'fuzz-twin', role: 'viewer', password: 'long enough password' });
    expect((await send('POST', '/api/v1/users', user(`a-${Date.now()}`))).statusCode).toBe(201);
    expectFieldError(await send('POST', '/api/v1/users', user(`b-${Date.now()}`)), 409, 'username');
  });

  it('refuses page numbers past the last one it can serve', async () => {
    expectFieldError(await send('GET', '/api/v1/users?page=100000000000000000000'), 400, 'page');
  });

  it('refuses an address filter on /flows that is no address or CIDR, as /alerts does', async () => {
    for (const bad of ['abc', '123', '4294967296', '198.18.1.1/99', '::1/129']) {
      for (const field of ['src_ip', 'dst_ip']) {
        expectFieldError(await send('GET', `/api/v1/flows?${field}=${encodeURIComponent(bad)}`), 400, field);
        expectFieldError(await send('GET', `/api/v1/alerts?${field}=${encodeURIComponent(bad)}`), 400, field);
      }
    }
    expect((await send('GET', '/api/v1/flows?src_ip=198.18.0.0%2F15&dst_ip=%3A%3Affff%3A198.19.0.1')).statusCode).toBe(200);
  });

  it('refuses null for a user field that may be left out, naming the field', async () => {
    const user = await createUser(app, { role: Role.VIEWER });
    for (const field of ['role', 'name', 'is_active']) {
      const res = await send('PATCH', `/api/v1/users/${user.id}`, JSON.stringify({ [field]: null }));
      expectFieldError(res, 400, field);
      expect(res.json().details).toContainEqual({ field, reason: `${field} must not be null (leave it out instead)` });
    }
    expect((await send('PATCH', `/api/v1/users/${user.id}`, '{"name":"Still Here"}')).json()).toMatchObject({ name: 'Still Here', role: 'viewer' });
  });

  it('refuses null where an optional value is parsed: a bulk filter address, verdict features, a retraining path', async () => {
    const bulk = { filter: { status: ['active'], src_ip: null }, status: 'investigating', reason: 'triage' };
    expectFieldError(await send('POST', '/api/v1/alerts/bulk/status', JSON.stringify(bulk)), 400, 'filter.src_ip');
    const verdict = { prediction: 'attack', attack_type: 'DDoS', confidence: 0.9, features: null };
    expectFieldError(await send('POST', '/api/v1/inference/process', JSON.stringify(verdict)), 400, 'features');
    expectFieldError(await send('POST', '/api/v1/inference/process', JSON.stringify({ ...verdict, features: 'x' })), 400, 'features');
    expectFieldError(await send('POST', '/api/v1/inference/retrain', '{"data_path":null}'), 400, 'data_path');
  });

  it('keeps the auto-response confidence to six decimals (PostgreSQL real cannot hold 1e-64)', async () => {
    const policy = { enabled: false, min_risk_level: 'high', min_confidence: 1e-64, attack_types: [], duration: 60, dry_run: true };
    const res = await send('PUT', '/api/v1/network/auto-response', JSON.stringify(policy));
    expect(res.statusCode).toBe(200);
    expect(res.json().min_confidence).toBe(0);
  });
});
