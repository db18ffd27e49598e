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

  it('takes DATASETS_DIR only as an existing directory (empty: unset), and bounds the stream consumer idle time', () => {
    expect(validateEnv({}).DATASETS_DIR).toBeUndefined();
    expect(validateEnv({ DATASETS_DIR: '' }).DATASETS_DIR).toBeUndefined();
    expect(validateEnv({ DATASETS_DIR: __dirname }).DATASETS_DIR).toBe(__dirname);
    expect(() => validateEnv({ DATASETS_DIR: '/no/such/directory' })).toThrow(/DATASETS_DIR: DATASETS_DIR must name an existing directory/);
    expect(() => validateEnv({ DATASETS_DIR: __filename })).toThrow(/DATASETS_DIR/);
    expect(validateEnv({}).INGEST_STREAM_CONSUMER_MAX_IDLE_MS).toBe(120000);
    expect(() => validateEnv({ INGEST_STREAM_CONSUMER_MAX_IDLE_MS: '10' })).toThrow(/INGEST_STREAM_CONSUMER_MAX_IDLE_MS/);
  });

  it('takes the EVE model settings as shares between 0 and 1', () => {
    const env = validateEnv({ MODEL_MIN_FEATURE_COVERAGE: '0.6', LOW_COVERAGE_ALERT_MIN_CONFIDENCE: '1' });
    expect(env).toMatchObject({ EVE_MODEL_DIR: './models/default-eve', MODEL_MIN_FEATURE_COVERAGE: 0.6, LOW_COVERAGE_ALERT_MIN_CONFIDENCE: 1 });
    expect(loadConfig({ EVE_MODEL_DIR: ' ' }).model.eveDir).toBeNull();
    expect(() => validateEnv({ MODEL_MIN_FEATURE_COVERAGE: '1.5' })).toThrow(/MODEL_MIN_FEATURE_COVERAGE/);
    expect(() => validateEnv({ LOW_COVERAGE_ALERT_MIN_CONFIDENCE: 'high' })).toThrow(/LOW_COVERAGE_ALERT_MIN_CONFIDENCE/);
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

  it('refuses an ADMIN_PASSWORD the password policy refuses, without echoing it', () => {
    const admin = (ADMIN_PASSWORD: string) => validateEnv({ ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD });
    expect(() => admin('password1')).toThrow(/ADMIN_PASSWORD: ADMIN_PASSWORD is a commonly used password/);
    expect(() => admin('boss@example.test')).toThrow(/ADMIN_PASSWORD: ADMIN_PASSWORD must not contain the e-mail/);
    expect(() => admin('short')).toThrow(/ADMIN_PASSWORD: ADMIN_PASSWORD must be at least 8 characters/);
    expect(() => admin('password1')).not.toThrow(/got/);
    expect(admin('a strong enough passphrase').ADMIN_PASSWORD).toBe('a strong enough passphrase');
  });

  it('reads the drift alarm settings and refuses thresholds that would clear before they fire', () => {
    expect(loadConfig({}).drift).toEqual({
      windowSeconds: 300, minFlows: 200, outOfDomainFire: 0.05, outOfDomainClear: 0.03, coverageFire: 0.9, coverageClear: 0.95,
    });
    expect(loadConfig({ MODEL_DRIFT_OUT_OF_DOMAIN_FIRE: '0.1', MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR: '0.1' }).drift.outOfDomainFire).toBe(0.1);
    expect(() => validateEnv({ MODEL_DRIFT_OUT_OF_DOMAIN_FIRE: '0.02' })).toThrow(/MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR: must not exceed/);
    expect(() => validateEnv({ MODEL_DRIFT_COVERAGE_CLEAR: '0.5' })).toThrow(/MODEL_DRIFT_COVERAGE_CLEAR: must not be below/);
    expect(() => validateEnv({ MODEL_DRIFT_OUT_OF_DOMAIN_FIRE: '1.5' })).toThrow(/MODEL_DRIFT_OUT_OF_DOMAIN_FIRE/);
    expect(() => validateEnv({ MODEL_DRIFT_WINDOW_SECONDS: '5' })).toThrow(/MODEL_DRIFT_WINDOW_SECONDS/);
  });

  it('reads the SIEM destinations and refuses a bad one, a missing CA file or a lone client certificate', () => {
    const siem = loadConfig({ SIEM_SYSLOG_DESTINATIONS: 'tls://siem.example.net:6514, tcp://127.0.0.1:1514' }).siem;
    expect(siem.syslog.destinations.map((d) => d.name)).toEqual(['tls://siem.example.net:6514', 'tcp://127.0.0.1:1514']);
    expect(siem.events).toContain('network.ip_blocked');
    expect(loadConfig({}).siem.syslog.destinations).toEqual([]);
    expect(() => validateEnv({ SIEM_SYSLOG_DESTINATIONS: 'udp://h:514' })).toThrow(/SIEM_SYSLOG_DESTINATIONS/);
    expect(() => validateEnv({ SIEM_SYSLOG_TLS_CA_FILE: '/no/such/ca.pem' })).toThrow(/SIEM_SYSLOG_TLS_CA_FILE must name an existing file/);
    expect(() => validateEnv({ SIEM_EVENTS: 'alert.raised,ping' })).toThrow(/SIEM_EVENTS/);
    expect(() => validateEnv({ SIEM_SYSLOG_TLS_CERT_FILE: __filename })).toThrow(/set both or neither/);
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
