import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';

describe('audit log', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  const audit = (query: string) =>
    app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: bearer(admin.access_token) });

  beforeAll(async () => {
    app = await createTestApp();
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records login success and failure with actor, source IP and target', async () => {
    const user = await createUser(app);
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '198.18.3.4', payload: { email: user.email, password: 'definitely-wrong' } });
    await login(app, user);
    const rows = (await audit(`action=auth.login&target_id=${user.id}`)).json().items;
    expect(rows.map((r: { outcome: string }) => r.outcome)).toEqual(['success', 'failure']);
    expect(rows[1]).toMatchObject({ actor_type: 'system', actor_label: user.email, source_ip: '198.18.3.4', details: { reason: 'wrong_password' } });
    expect(rows[1].correlation_id).toBeTruthy();
  });

  it('records user changes with before and after, and who did them', async () => {
    const user = await createUser(app);
    await app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: bearer(admin.access_token), payload: { role: 'security' } });
    const [row] = (await audit(`action=user.update&target_id=${user.id}`)).json().items;
    expect(row).toMatchObject({
      actor_type: 'user',
      actor_id: admin.user.id,
      before: { role: 'viewer' },
      after: { role: 'security' },
      target_type: 'user',
    });
  });

  it('pages with a cursor and filters by time', async () => {
    const first = (await audit('limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.meta.next_cursor).toBe(first.items[1].id);
    const second = (await audit(`limit=2&cursor=${first.meta.next_cursor}`)).json();
    expect(BigInt(second.items[0].id)).toBeLessThan(BigInt(first.items[1].id));
    expect((await audit('from=2999-01-01T00:00:00Z')).json().items).toEqual([]);
    expect((await audit('cursor=abc')).statusCode).toBe(400);
  });

  it('offers no way to change a row', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({ method, url: '/api/v1/audit', headers: bearer(admin.access_token) });
      expect(res.statusCode).toBe(404);
    }
  });
});
