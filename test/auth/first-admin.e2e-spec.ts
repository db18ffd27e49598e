import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { UsersBootstrap } from '../../src/users/users.bootstrap';
import { UsersService } from '../../src/users/users.service';
import { createDatabase, dropDatabase, runMigrations, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';

/** The first admin on a database of its own (the shared test database has admins from other specs). */
describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  const name = uniqueName('ids_admin');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const url = await createDatabase(name);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await dropDatabase(name);
  });

  /** A bootstrap as another instance starting on the same database would run it. */
  const instance = (auth: Partial<AppConfig['auth']>) => {
    const config = new ConfigService<AppConfig, true>({ auth });
    return new UsersBootstrap(app.get(UsersService), config);
  };

  it('refuses a common password or one built on the e-mail (the password policy), creating nobody', async () => {
    expect(await app.get(UsersService).adminExists()).toBe(false);
    for (const adminPassword of ['password123', 'refused-admin@example.test', 'refused-admin-2026']) {
      const refused = instance({ adminEmail: 'refused-admin@example.test', adminPassword });
      await expect(refused.onApplicationBootstrap()).rejects.toMatchObject({
        details: [{ field: 'password', reason: expect.stringMatching(/commonly used|e-mail/) }],
      });
    }
    expect(await app.get(DataSource).query(`SELECT 1 FROM users WHERE email = 'refused-admin@example.test'`)).toEqual([]);
  });

  it('is created once when several instances start together, and every instance starts', async () => {
    const auth = { adminEmail: 'first-admin@example.test', adminPassword: 'launch pad sequence 7' };
    expect(await app.get(UsersService).adminExists()).toBe(false);
    // all of them find no admin before any has written one (the password hash takes a while)
    const results = await Promise.allSettled([instance(auth), instance(auth), instance(auth)].map((b) => b.onApplicationBootstrap()));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const admins = await app.get(DataSource).query(`SELECT email FROM users WHERE role = 'admin'`);
    expect(admins).toEqual([{ email: auth.adminEmail }]);
  });

  it('still refuses to start when the admin cannot be created and none exists', async () => {
    await app.get(DataSource).query(`UPDATE users SET role = 'viewer'`);
    // the address is taken by a viewer: no admin can be made from it
    const taken = instance({ adminEmail: 'first-admin@example.test', adminPassword: 'another-password-2' });
    await expect(taken.onApplicationBootstrap()).rejects.toThrow('A user with this email exists');
  });
});
