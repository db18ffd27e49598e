import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';

describe('users (manage_users)', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: bearer(admin.access_token), payload });

  beforeAll(async () => {
    app = await createTestApp();
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates, reads, lists, updates and soft-deletes a user', async () => {
    const created = await call('POST', '/users', { email: 'Crud.User@example.test', name: 'Crud', role: 'viewer', password: 'long-enough-pw' });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ email: 'Crud.User@example.test', role: 'viewer', is_active: true });
    expect(Object.keys(user).sort()).toEqual(['created_at', 'email', 'id', 'is_active', 'last_login_at', 'name', 'role', 'updated_at', 'username']);

    expect((await call('POST', '/users', { email: 'crud.user@example.test', role: 'viewer', password: 'long-enough-pw' })).statusCode).toBe(409);
    expect((await call('GET', `/users/${user.id}`)).json().email).toBe('Crud.User@example.test');

    const page = (await call('GET', '/users?page=1&limit=200')).json();
    expect(page.meta).toMatchObject({ page: 1, limit: 200 });
    expect(page.items.map((u: { id: string }) => u.id)).toContain(user.id);
    expect((await call('GET', '/users?limit=201')).statusCode).toBe(400);

    const updated = await call('PATCH', `/users/${user.id}`, { role: 'security', name: 'Renamed' });
    expect(updated.json()).toMatchObject({ role: 'security', name: 'Renamed' });

    expect((await call('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/users/${user.id}`)).statusCode).toBe(404);
    const row = await app.get(DataSource).query(`SELECT deleted_at, is_active FROM users WHERE id = $1`, [user.id]);
    expect(row[0].deleted_at).not.toBeNull();
    const relogin = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'crud.user@example.test', password: 'long-enough-pw' } });
    expect(relogin.statusCode).toBe(401);
  });

  it('resets a password: the old one stops working, sessions end', async () => {
    const user = await createUser(app);
    const s = await login(app, user);
    expect((await call('POST', `/users/${user.id}/reset-password`, { password: 'reset-by-admin-1' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(s.access_token) })).statusCode).toBe(401);
    await expect(login(app, user)).rejects.toThrow(/401/);
    await expect(login(app, { email: user.email, password: 'reset-by-admin-1' })).resolves.toBeDefined();
  });

  it('rejects fields the caller may not set (mass assignment) with 400 naming them', async () => {
    const user = await createUser(app);
    for (const payload of [{ id: '00000000-0000-0000-0000-000000000000' }, { password_hash: 'x' }, { passwordHash: 'x' }, { token_version: 0 }]) {
      const res = await call('PATCH', `/users/${user.id}`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0]).toMatchObject({ field: Object.keys(payload)[0], reason: expect.stringMatching(/should not exist/) });
    }
    const viewer = await login(app, await createUser(app));
    const selfPromote = await app.inject({
      method: 'POST', url: '/api/v1/auth/change-password', headers: bearer(viewer.access_token),
      payload: { current_password: 'x', new_password: 'yyyyyyyyyy', role: 'admin' },
    });
    expect(selfPromote.statusCode).toBe(400);
    expect(selfPromote.json().details).toEqual([expect.objectContaining({ field: 'role' })]);
    const loginWithRole = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.c', password: 'xxxxxxxx', role: 'admin' } });
    expect(loginWithRole.statusCode).toBe(400);
  });

  it('never demotes, deactivates or deletes the last active admin', async () => {
    // make this admin the only active one
    await app.get(DataSource).query(`UPDATE users SET is_active = false WHERE role = 'admin' AND id <> $1`, [admin.user.id]);
    const self = admin.user.id;
    for (const [method, payload] of [['PATCH', { role: 'security' }], ['PATCH', { is_active: false }], ['DELETE', undefined]] as const) {
      const res = await call(method, `/users/${self}`, payload);
      expect([method, JSON.stringify(payload), res.statusCode]).toEqual([method, JSON.stringify(payload), 409]);
    }
    const second = await createUser(app, { role: Role.ADMIN });
    expect((await call('PATCH', `/users/${self}`, { name: 'Still admin' })).statusCode).toBe(200);
    expect((await call('PATCH', `/users/${second.id}`, { role: 'viewer' })).statusCode).toBe(200);
    expect((await call('PATCH', `/users/${self}`, { role: 'viewer' })).statusCode).toBe(409);
  });

  it('validates ids in paths', async () => {
    const res = await call('GET', '/users/not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'id', reason: 'must be a UUID' }]);
  });
});
