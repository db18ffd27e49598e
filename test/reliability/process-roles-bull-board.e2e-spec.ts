import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/core/permissions';
import { QUEUES } from '../../src/infra/queues/queues';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUserSession, Session } from '../utils/factories';

const BOARD = '/admin/queues';

describe('queue board (Bull Board) at /admin/queues: admins only', () => {
  let app: NestFastifyApplication;
  const sessions = new Map<Role, Session>();

  const board = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' | 'DELETE' = 'GET') =>
    app.inject({ method, url: `${BOARD}${url}`, headers });
  const cookieOf = (setCookie: string | string[] | undefined) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie);

  beforeAll(async () => {
    // requests come from 127.0.0.1 (inject), here a TLS-terminating proxy whose X-Forwarded-Proto is believed
    app = await createTestApp({ TRUST_PROXY: '127.0.0.1' });
    for (const role of [Role.VIEWER, Role.SECURITY, Role.ADMIN]) sessions.set(role, (await createUserSession(app, role)).session);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses anonymous callers (401), API keys and bad tokens (401), and the viewer and security roles (403)', async () => {
    for (const url of ['', '/', '/api/queues', '/static/js/main.js', '/queue/network']) {
      const res = await board(url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
      expect(res.json()).toMatchObject({ status_code: 401, error: 'UNAUTHENTICATED', correlation_id: expect.any(String) });
    }
    expect((await board('/api/queues', bearer(await createApiKey(app)))).statusCode).toBe(401);
    expect((await board('/api/queues', bearer('not-a-jwt'))).statusCode).toBe(401);
    for (const role of [Role.VIEWER, Role.SECURITY]) {
      for (const [url, method] of [['/api/queues', 'GET'], ['', 'GET'], ['/session', 'POST']] as const) {
        const res = await board(url, bearer(sessions.get(role)!.access_token), method);
        expect({ role, url, status: res.statusCode }).toEqual({ role, url, status: 403 });
        expect(res.json()).toMatchObject({ error: 'FORBIDDEN' });
      }
    }
  });

  it('shows every queue to an admin', async () => {
    const admin = bearer(sessions.get(Role.ADMIN)!.access_token);
    const page = await board('', admin);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain(`<base href="${BOARD}/" />`);
    const stylesheet = /href="(static\/css\/[^"]+\.css)"/.exec(page.body)![1];
    expect((await board(`/${stylesheet}`, admin)).statusCode).toBe(200);
    expect((await board(`/${stylesheet}`)).statusCode).toBe(401);

    const api = await board('/api/queues', admin);
    expect(api.statusCode).toBe(200);
    const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QUEUES).sort());
  });

  it('opens a browser session with an HttpOnly cookie scoped to the board, which ends with logout', async () => {
    const { session } = await createUserSession(app, Role.ADMIN);
    const opened = await board('/session', bearer(session.access_token), 'POST');
    expect(opened.statusCode).toBe(204);
    const cookie = cookieOf(opened.headers['set-cookie']);
    expect(cookie).toMatch(/^ids_queues_token=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeGreaterThan(60);
    const sent = { cookie: cookie.split(';')[0] };
    // behind a (trusted) TLS-terminating proxy the cookie is Secure
    const overTls = await board('/session', { ...bearer(session.access_token), 'x-forwarded-proto': 'https' }, 'POST');
    expect(cookieOf(overTls.headers['set-cookie'])).toMatch(/; Secure$/);

    expect((await board('', sent)).statusCode).toBe(200);
    expect((await board('/api/queues', sent)).statusCode).toBe(200);
    // the cookie cannot renew itself, and the API ignores it
    expect((await board('/session', sent, 'POST')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: sent })).statusCode).toBe(401);

    const closed = await board('/session', sent, 'DELETE');
    expect(closed.statusCode).toBe(204);
    expect(cookieOf(closed.headers['set-cookie'])).toMatch(/^ids_queues_token=; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=0$/);

    // logging out ends the session: the token in the cookie stops working at once
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(session.access_token) });
    expect((await board('/api/queues', sent)).statusCode).toBe(401);
  });

  it('stays out of the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs-json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.includes('admin') || p.includes('queues'))).toEqual([]);
  });
});
