import { JwtService } from '@nestjs/jwt';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac, randomUUID } from 'node:crypto';
import { Role } from '../../src/core/permissions';
import { createTestApp, testConfig } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';

const config = testConfig();
const jwt = new JwtService({});

function sign(claims: Record<string, unknown>, opts: { secret?: string; audience?: string; issuer?: string; expiresIn?: number } = {}) {
  return jwt.sign(claims, {
    secret: opts.secret ?? config.auth.jwtSecret,
    algorithm: 'HS256',
    audience: opts.audience ?? config.auth.audience,
    issuer: opts.issuer ?? config.auth.issuer,
    expiresIn: opts.expiresIn ?? 300,
  });
}

describe('auth', () => {
  let app: NestFastifyApplication;
  const me = (token: string) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
  const refresh = (token: string) => app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: token } });

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('logs in by email or username and returns the seed-shaped token response', async () => {
    const user = await createUser(app, { role: Role.SECURITY });
    const session = await login(app, user);
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 900, user: { id: user.id, email: user.email, role: 'security' } });
    expect(session.access_token.split('.')).toHaveLength(3);
    expect(session.refresh_token).toMatch(/^rt_/);
    const byUsername = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user.email, password: user.password } });
    expect(byUsername.statusCode).toBe(200);
    expect((await me(session.access_token)).json()).toMatchObject({ id: user.id, role: 'security' });
  });

  it('answers an unknown user and a wrong password identically', async () => {
    const user = await createUser(app);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'wrong-password' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.test', password: 'wrong-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, correlation_id: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('accepts passwords of 8 to 128 characters without truncation', async () => {
    const long = 'p'.repeat(127) + 'X';
    const user = await createUser(app, { password: long });
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: long } })).statusCode).toBe(200);
    const truncated = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'p'.repeat(127) + 'Y' } });
    expect(truncated.statusCode).toBe(401);
    const admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    const tooLong = await app.inject({
      method: 'POST', url: '/api/v1/users', headers: bearer(admin.access_token),
      payload: { email: 'long@example.test', role: 'viewer', password: 'x'.repeat(129) },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().details).toEqual([expect.objectContaining({ field: 'password' })]);
    const tooShort = await app.inject({
      method: 'POST', url: '/api/v1/users', headers: bearer(admin.access_token),
      payload: { email: 'short@example.test', role: 'viewer', password: 'x'.repeat(7) },
    });
    expect(tooShort.statusCode).toBe(400);
  });

  it('rotates refresh tokens and revokes the family when one is reused', async () => {
    const session = await login(app, await createUser(app));
    const first = await refresh(session.refresh_token);
    expect(first.statusCode).toBe(200);
    const rotated: Session = first.json();
    expect(rotated.refresh_token).not.toBe(session.refresh_token);
    expect((await me(rotated.access_token)).statusCode).toBe(200);

    const reuse = await refresh(session.refresh_token);
    expect(reuse.statusCode).toBe(401);
    // the whole session is gone: the rotated refresh token and its access token too
    expect((await refresh(rotated.refresh_token)).statusCode).toBe(401);
    expect((await me(rotated.access_token)).statusCode).toBe(401);
    expect((await me(session.access_token)).statusCode).toBe(401);
  });

  it('logout ends the session (refresh and access) but not other sessions', async () => {
    const user = await createUser(app);
    const a = await login(app, user);
    const b = await login(app, user);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(a.access_token) });
    expect(out.statusCode).toBe(204);
    expect((await me(a.access_token)).statusCode).toBe(401);
    expect((await refresh(a.refresh_token)).statusCode).toBe(401);
    expect((await me(b.access_token)).statusCode).toBe(200);
  });

  it('deactivation, role change and password change end every session', async () => {
    const admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    for (const change of ['deactivate', 'role', 'password'] as const) {
      const user = await createUser(app, { role: Role.SECURITY });
      const s = await login(app, user);
      if (change === 'password') {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/change-password', headers: bearer(s.access_token), payload: { current_password: user.password, new_password: 'a-brand-new-password' } });
        expect(res.statusCode).toBe(204);
      } else {
        const payload = change === 'deactivate' ? { is_active: false } : { role: 'viewer' };
        const res = await app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: bearer(admin.access_token), payload });
        expect(res.statusCode).toBe(200);
      }
      expect([change, (await me(s.access_token)).statusCode]).toEqual([change, 401]);
      expect([change, (await refresh(s.refresh_token)).statusCode]).toEqual([change, 401]);
    }
  });

  it('rejects a wrong current password on change-password, naming the field', async () => {
    const user = await createUser(app);
    const s = await login(app, user);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/change-password', headers: bearer(s.access_token), payload: { current_password: 'not-it-at-all', new_password: 'another-password' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'current_password', reason: 'is not the current password' }]);
  });

  describe('forged and misused tokens', () => {
    let user: Awaited<ReturnType<typeof createUser>>;
    let session: Session;
    let claims: Record<string, unknown>;

    beforeAll(async () => {
      user = await createUser(app, { role: Role.ADMIN });
      session = await login(app, user);
      claims = jwt.decode(session.access_token) as Record<string, unknown>;
    });

    const base = () => ({ sub: claims.sub, sid: claims.sid, ver: claims.ver, role: claims.role, typ: 'access' });

    it('accepts a correctly signed token (control)', async () => {
      expect((await me(sign(base()))).statusCode).toBe(200);
    });

    it.each([
      ['alg none', () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...base(), iss: config.auth.issuer, aud: config.auth.audience, iat: now, exp: now + 300 })}.`;
      }],
      ['HS512 (algorithm not pinned)', () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const head = `${enc({ alg: 'HS512', typ: 'JWT' })}.${enc({ ...base(), iss: config.auth.issuer, aud: config.auth.audience, iat: now, exp: now + 300 })}`;
        return `${head}.${createHmac('sha512', config.auth.jwtSecret).update(head).digest('base64url')}`;
      }],
      ['wrong secret', () => sign(base(), { secret: 'not-the-secret' })],
      ['expired', () => sign(base(), { expiresIn: -10 })],
      ['wrong audience', () => sign(base(), { audience: 'someone-else' })],
      ['wrong issuer', () => sign(base(), { issuer: 'evil' })],
      ['refresh-typed token used as access', () => sign({ ...base(), typ: 'refresh' })],
      ['stale token version', () => sign({ ...base(), ver: Number(claims.ver) + 1 })],
      ['the opaque refresh token as a bearer', () => session.refresh_token],
      ['no exp (signed with the real secret)', () =>
        jwt.sign(base(), { secret: config.auth.jwtSecret, algorithm: 'HS256', audience: config.auth.audience, issuer: config.auth.issuer })],
      ['a session that never existed', () => sign({ ...base(), sid: randomUUID() })],
      ['a session of another user', async () => {
        const other = await login(app, await createUser(app, { role: Role.ADMIN }));
        return sign({ ...base(), sid: (jwt.decode(other.access_token) as { sid: string }).sid });
      }],
      ['a session id that is not a UUID', () => sign({ ...base(), sid: 'not-a-uuid' })],
      ['garbage', () => 'not.a.jwt'],
    ])('rejects %s with 401', async (_name, make) => {
      const res = await me(await make());
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('UNAUTHENTICATED');
    });
  });

  it('throttles failed logins: the N+1th failure in the window gets 429 with Retry-After', async () => {
    const user = await createUser(app);
    const limit = config.auth.login.maxPerAccountIp;
    for (let i = 0; i < limit; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: `wrong-${i}-password` } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(config.auth.login.windowSeconds);
    // the same account from another address is not locked out
    const elsewhere = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '198.18.0.77', payload: { email: user.email, password: user.password } });
    expect(elsewhere.statusCode).toBe(200);
  });
});
