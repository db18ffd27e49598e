import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { ApiKeysService } from '../../src/auth/api-keys/api-keys.service';
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

export async function createApiKey(app: NestFastifyApplication, name = `sensor-${randomUUID().slice(0, 6)}`): Promise<string> {
  return (await app.get(ApiKeysService).create(SYSTEM_ACTOR, name, null)).secret;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
