import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiKeysService } from '../../src/auth/api-keys/api-keys.service';
import { RefreshTokensRepository } from '../../src/auth/refresh-tokens.repository';
import { TokenService } from '../../src/auth/token.service';
import { BouncerKeysService } from '../../src/auth/bouncer-keys/bouncer-keys.service';
import { SYSTEM_ACTOR } from '../../src/common/auth/principal';
import { Role } from '../../src/core/permissions';
import { UsersService } from '../../src/users/users.service';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  user: { id: string; email: string; role: Role };
}

export async function createUser(app: NestFastifyApplication, attrs: Partial<TestUser> & { role?: Role } = {}): Promise<TestUser> {
  const email = attrs.email ?? `${attrs.role ?? 'viewer'}-${randomUUID().slice(0, 8)}@example.test`;
  const password = attrs.password ?? `pw-${randomUUID()}`;
  const role = attrs.role ?? Role.VIEWER;
  const user = await app.get(UsersService).create(SYSTEM_ACTOR, { email, password, role, name: `Test ${role}` });
  return { id: user.id, email, password, role };
}

export async function login(app: NestFastifyApplication, user: Pick<TestUser, 'email' | 'password'>): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createUserSession(app: NestFastifyApplication, role: Role): Promise<{ user: TestUser; session: Session }> {
  const user = await createUser(app, { role });
  return { user, session: await login(app, user) };
}

/**
 * An access token of a new, live session of `user` (a refresh family row, as a login makes), without the cost of
 * a login's password hash. `ver` is the user's token version.
 */
export async function sessionToken(app: NestFastifyApplication, user: Pick<TestUser, 'id' | 'role'>, ver = 0): Promise<string> {
  const sid = randomUUID();
  const expiresAt = new Date(Date.now() + 3_600_000);
  const refreshTokens = app.get(RefreshTokensRepository);
  await refreshTokens.insert(refreshTokens.manager, {
    userId: user.id, familyId: sid, tokenHash: randomBytes(32).toString('hex'), expiresAt, familyExpiresAt: expiresAt,
  });
  return app.get(TokenService).signAccess({ sub: user.id, sid, ver, role: user.role });
}

export async function createApiKey(app: NestFastifyApplication, name = `sensor-${randomUUID().slice(0, 6)}`): Promise<string> {
  return (await app.get(ApiKeysService).create(SYSTEM_ACTOR, name, null)).secret;
}

export async function createBouncerKey(app: NestFastifyApplication, name = `bouncer-${randomUUID().slice(0, 6)}`): Promise<string> {
  return (await app.get(BouncerKeysService).create(SYSTEM_ACTOR, name)).secret;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
