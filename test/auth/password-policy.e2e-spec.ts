import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';

const ROOT = join(__dirname, '..', '..');

/** Runs `npm run cli -- users:create-admin` as an operator would, on the run's database and Redis. */
function createAdminCli(email: string, password: string): Promise<{ code: number | null; output: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEST_') && k !== 'DATABASE_URL'));
  const env = {
    ...clean,
    ADMIN_PASSWORD: password,
    DATABASE_URL: process.env.TEST_DATABASE_URL!,
    DATABASE_MIGRATIONS_RUN: 'false',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix('-cli'),
    REDIS_AUTOSTART: 'false',
  };
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--swc', 'src/cli/cli.ts', 'users:create-admin', '--email', email], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('password policy (OWASP ASVS 5.0 6.2)', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  const call = (method: 'POST', url: string, payload: object, token = admin.access_token) =>
    app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
  const newUser = (password: string, extra: object = {}) =>
    call('POST', '/users', { email: `policy-${randomUUID().slice(0, 8)}@example.test`, role: 'viewer', password, ...extra });

  beforeAll(async () => {
    app = await createTestApp();
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['password', /commonly used password/],
    ['12345678', /commonly used password/],
    ['Password', /commonly used password/],
    ['iloveyou', /commonly used password/],
    ['ids-ai-admin-2026', /product name/],
    ['My IDS AI secret', /product name/],
  ])('refuses %j with 400 naming the password field', async (password, reason) => {
    const res = await newUser(password);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'password', reason: expect.stringMatching(reason) }]);
  });

  it('refuses the account e-mail, its local part and the name as (part of) the password', async () => {
    const email = `jane.doe-${randomUUID().slice(0, 4)}@example.test`;
    for (const password of [email, email.toUpperCase(), `${email.split('@')[0]}`.padEnd(8, '!'), 'Jane.Doe.Rocks', 'Wolfgang Amadeus 1756']) {
      const res = await call('POST', '/users', { email, name: 'Wolfgang Amadeus Mozart', role: 'viewer', password });
      expect([password, res.statusCode]).toEqual([password, 400]);
      expect(res.json().details).toEqual([{ field: 'password', reason: 'must not contain the e-mail address, username or name of the account' }]);
    }
    const none = await app.get(DataSource).query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    expect(none).toEqual([]);
  });

  it('accepts any characters: spaces, Unicode, emoji, counted as characters (8 to 128)', async () => {
    for (const password of ['correct horse battery staple', 'Grüße aus Köln, ça va?', '🦊🐻🐼🐨🐯🦁🐮🐷', 'пароль-на-русском', '🔑'.repeat(128)]) {
      const res = await newUser(password);
      expect([password, res.statusCode]).toEqual([password, 201]);
      const user = res.json();
      await expect(login(app, { email: user.email, password })).resolves.toBeDefined();
    }
    // four emoji are eight UTF-16 units but four characters; 129 emoji are one too many
    for (const password of ['🦊🐻🐼🐨', '🔑'.repeat(129)]) {
      const res = await newUser(password);
      expect([password.length, res.statusCode]).toEqual([password.length, 400]);
      expect(res.json().details).toEqual([{ field: 'password', reason: expect.stringMatching(/8 to 128 characters/) }]);
    }
  });

  it('applies to change-password and reset-password, naming their field', async () => {
    const user = await createUser(app);
    const session = await login(app, user);
    const changed = await call('POST', '/auth/change-password', { current_password: user.password, new_password: 'password1' }, session.access_token);
    expect(changed.statusCode).toBe(400);
    expect(changed.json().details).toEqual([{ field: 'new_password', reason: expect.stringMatching(/commonly used/) }]);
    const withEmail = await call('POST', '/auth/change-password', { current_password: user.password, new_password: `${user.email}!` }, session.access_token);
    expect(withEmail.statusCode).toBe(400);
    expect(withEmail.json().details).toEqual([{ field: 'new_password', reason: expect.stringMatching(/e-mail/) }]);
    const reset = await call('POST', `/users/${user.id}/reset-password`, { password: 'qwertyuiop' });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().details).toEqual([{ field: 'password', reason: expect.stringMatching(/commonly used/) }]);
    // nothing changed: the session is still live and the old password still works
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.access_token) })).statusCode).toBe(200);
    await expect(login(app, user)).resolves.toBeDefined();
  });

  it('applies to the first-admin command, which exits 2 (invalid input) naming the reason and creates nobody', async () => {
    const email = `cli-admin-${randomUUID().slice(0, 8)}@example.test`;
    const refused = await createAdminCli(email, 'football');
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/password: is a commonly used password/);
    expect(refused.output).not.toMatch(/created admin/);
    const rows = await app.get(DataSource).query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    expect(rows).toEqual([]);
  }, 60_000);
});
