import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Permission, Role, roleHasPermission } from '../../src/core/permissions';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey, createBouncerKey, createUser, sessionToken, TestUser } from '../utils/factories';
import { RouteInfo, routeTable, sampleUrl } from '../utils/route-table';

type Caller = 'anonymous' | Role | 'api_key' | 'bouncer';
const CALLERS: Caller[] = ['anonymous', Role.VIEWER, Role.SECURITY, Role.ADMIN, 'api_key', 'bouncer'];

/** What the guard must answer: 401, 403, or 'pass' (anything else: the guard let the request through). */
function expected(route: RouteInfo, caller: Caller): 401 | 403 | 'pass' {
  const { access } = route;
  if (access.kind === 'public') return 'pass';
  if (caller === 'anonymous') return 401;
  if (access.kind === 'undeclared') return 403;
  if (access.kind === 'authenticated') return caller === 'api_key' || caller === 'bouncer' ? 403 : 'pass';
  if (caller === 'api_key') return access.permission === Permission.INGEST ? 'pass' : 403;
  if (caller === 'bouncer') return access.permission === Permission.READ_DECISIONS ? 'pass' : 403;
  return roleHasPermission(caller, access.permission) ? 'pass' : 403;
}

describe('RBAC matrix (every route × every kind of caller, from the route table)', () => {
  let app: NestFastifyApplication;
  let routes: RouteInfo[];
  const users = new Map<Role, TestUser & { tokenVersion: number }>();
  let apiKey: string;
  let bouncerKey: string;

  beforeAll(async () => {
    app = await createTestApp();
    routes = routeTable(app);
    for (const role of [Role.VIEWER, Role.SECURITY, Role.ADMIN]) users.set(role, { ...(await createUser(app, { role })), tokenVersion: 0 });
    apiKey = await createApiKey(app);
    bouncerKey = await createBouncerKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A fresh session per request, so a route that ends sessions (logout) cannot affect the next one. */
  async function headers(caller: Caller): Promise<Record<string, string>> {
    if (caller === 'anonymous') return {};
    if (caller === 'api_key') return { 'x-api-key': apiKey };
    if (caller === 'bouncer') return { 'x-api-key': bouncerKey };
    const u = users.get(caller)!;
    return { authorization: `Bearer ${await sessionToken(app, u, u.tokenVersion)}` };
  }

  it('finds the routes of every module and each declares its access', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => r.access.kind === 'undeclared')).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: 'POST', path: '/api/v1/auth/login', access: { kind: 'public' } }),
      expect.objectContaining({ method: 'GET', path: '/health/ready' }),
      expect.objectContaining({ method: 'GET', path: '/api/v1/users/:id' }),
    ]));
  });

  it('answers exactly 401 / 403 / pass for each route and caller', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        const res = await app.inject({ method: route.method, url: sampleUrl(route.path), headers: await headers(caller), payload: ['GET', 'DELETE'].includes(route.method) ? undefined : {} });
        const want = expected(route, caller);
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'pass';
        if (got !== want) mismatches.push(`${route.method} ${route.path} as ${caller}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
