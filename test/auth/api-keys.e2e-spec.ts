import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';

describe('sensor API keys', () => {
  let app: NestFastifyApplication;
  let admin: Session;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the secret once, stores only its hash, and lists keys without secrets', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.access_token), payload: { name: 'sensor-a' } });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key.key).toMatch(new RegExp(`^idsk_${key.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(key.permissions).toEqual(['ingest']);
    const [row] = await app.get(DataSource).query(`SELECT key_hash FROM api_keys WHERE id = $1`, [key.id]);
    expect(row.key_hash).toHaveLength(64);
    expect(row.key_hash).not.toContain(key.key);

    const list = await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(admin.access_token) });
    expect(list.body).not.toContain(key.key);
    expect(list.json().find((k: { id: string }) => k.id === key.id)).toMatchObject({ name: 'sensor-a', prefix: key.prefix, revoked_at: null });
  });

  it('authenticates by Bearer or X-API-Key, grants ingest only, and stops at revocation', async () => {
    const created = (await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.access_token), payload: { name: 'sensor-b' } })).json();
    // a key may not read alerts, users or its own kind
    for (const headers of [bearer(created.key), { 'x-api-key': created.key }]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers });
      expect(res.statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(403);
    }
    await new Promise((r) => setTimeout(r, 100));
    const [used] = await app.get(DataSource).query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [created.id]);
    expect(used.last_used_at).not.toBeNull();

    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: bearer(admin.access_token) });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { 'x-api-key': created.key } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { 'x-api-key': 'idsk_forged_key' } })).statusCode).toBe(401);
  });

  it('refuses an expires_at that is not in the future with 400 naming the field', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const res = await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.access_token), payload: { name: 'sensor-past', expires_at: past } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'expires_at', reason: 'must be in the future' }]);
    const rows = await app.get(DataSource).query(`SELECT 1 FROM api_keys WHERE name = 'sensor-past'`);
    expect(rows).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ok = await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.access_token), payload: { name: 'sensor-future', expires_at: future } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().expires_at).toBe(future);
  });

  it('is admin-only to manage', async () => {
    const security = await login(app, await createUser(app, { role: Role.SECURITY }));
    expect((await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(security.access_token), payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
