import { DEV_JWT_SECRET, EnvValidationError, validateEnv } from './env.schema';
import { loadConfig } from './app-config';

describe('validateEnv', () => {
  it('applies defaults for an empty environment', () => {
    const env = validateEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_MIGRATIONS_RUN).toBe(true);
  });

  it('names the variable and the reason for a bad value', () => {
    expect(() => validateEnv({ PORT: 'abc' })).toThrow(/PORT: PORT must be an integer number/);
    expect(() => validateEnv({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => validateEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => validateEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('collects every problem at once', () => {
    try {
      validateEnv({ PORT: 'abc', DATABASE_MIGRATIONS_RUN: 'maybe' });
      throw new Error('expected a validation error');
    } catch (e) {
      expect(e).toBeInstanceOf(EnvValidationError);
      const names = (e as EnvValidationError).problems.map((p) => p.split(':')[0]);
      expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_MIGRATIONS_RUN']));
    }
  });

  it('refuses the default or an empty-ish JWT secret in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).NODE_ENV).toBe('production');
  });
});

describe('process role and shutdown settings', () => {
  it('defaults to one process that does everything, with a bounded shutdown', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({ PROCESS_ROLE: 'all', SHUTDOWN_TIMEOUT_MS: 30000, SHUTDOWN_DRAIN_DELAY_MS: 0, BULL_BOARD_ENABLED: true });
  });

  it('accepts the api and worker roles and names a bad one', () => {
    expect(validateEnv({ PROCESS_ROLE: 'api' }).PROCESS_ROLE).toBe('api');
    expect(validateEnv({ PROCESS_ROLE: 'worker' }).PROCESS_ROLE).toBe('worker');
    expect(() => validateEnv({ PROCESS_ROLE: 'workers' })).toThrow(/PROCESS_ROLE: PROCESS_ROLE must be one of the following values: all, api, worker/);
  });

  it('refuses a drain delay that leaves no time to shut down', () => {
    expect(() => validateEnv({ SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '5000' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS: must be shorter than SHUTDOWN_TIMEOUT_MS/);
    expect(() => validateEnv({ SHUTDOWN_TIMEOUT_MS: '10' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });
});

describe('.env.example', () => {
  it('reads TRUST_PROXY as Fastify takes it, and refuses anything else', () => {
    expect(loadConfig({}).app.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).app.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).app.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone; rm -rf' })).toThrow(/TRUST_PROXY/);
  });

  it('lists every variable of the schema', () => {
    const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const example = readFileSync(`${__dirname}/../../.env.example`, 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const { getMetadataStorage } = jest.requireActual<typeof import('class-validator')>('class-validator');
    const { EnvironmentVariables } = jest.requireActual<typeof import('./env.schema')>('./env.schema');
    const names = new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((m) => m.propertyName));
    expect([...names].filter((n) => !listed.has(n))).toEqual([]);
  });
});
