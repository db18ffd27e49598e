import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Role } from '../../../src/core/permissions';
import { DryRunFirewallDriver, FirewallDriver } from '../../../src/network/firewall';
import { NetworkReconciler } from '../../../src/network/network-reconciler.service';
import { createTestApp } from '../../utils/create-test-app';
import { Session, bearer, createUser, login } from '../../utils/factories';
import { createDatabase, deleteRedisKeys, dropDatabase, runMigrations, uniqueName } from '../../setup/test-database';

/**
 * A database and Redis key prefix of the spec file's own: every application runs the reconciler, which acts on
 * every live action of its database, so specs that watch a firewall must not share one with other specs.
 */
export class NetworkTestEnv {
  readonly name = uniqueName('ids_net');
  private url?: string;

  get redisPrefix(): string {
    return this.name;
  }

  /** The database URL, for an application this helper does not build (one listening on a given address). */
  get databaseUrl(): string {
    if (!this.url) throw new Error('NetworkTestEnv.setUp() first');
    return this.url;
  }

  async setUp(): Promise<void> {
    this.url = await createDatabase(this.name);
    await runMigrations(this.url);
  }

  /** An application on this environment's database; `overrides` as in createTestApp. */
  app(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
    return createTestApp(this.settings(overrides));
  }

  /** The settings `app()` starts an application with. */
  settings(overrides: Record<string, string> = {}): Record<string, string> {
    if (!this.url) throw new Error('NetworkTestEnv.setUp() first');
    return { DATABASE_URL: this.url, REDIS_KEY_PREFIX: this.name, FIREWALL_RECONCILE_SECONDS: '1', FIREWALL_JOB_BACKOFF_MS: '50', ...overrides };
  }

  /** Drops the database and every Redis key written under the prefix. */
  async tearDown(): Promise<void> {
    await deleteKeys(`${this.name}:*`);
    if (this.url && !process.env.TEST_KEEP_DATABASE) await dropDatabase(this.name);
  }
}

/** Deletes the keys matching `pattern` on the test Redis. */
export const deleteKeys = deleteRedisKeys;

export interface Sessions {
  admin: Session;
  security: Session;
  viewer: Session;
}

export async function sessions(app: NestFastifyApplication): Promise<Sessions> {
  const [admin, security, viewer] = await Promise.all(
    [Role.ADMIN, Role.SECURITY, Role.VIEWER].map(async (role) => login(app, await createUser(app, { role }))),
  );
  return { admin, security, viewer };
}

export const dryRun = (app: NestFastifyApplication) => app.get(FirewallDriver) as DryRunFirewallDriver;
export const reconcile = (app: NestFastifyApplication) => app.get(NetworkReconciler).reconcile();
export const db = (app: NestFastifyApplication) => app.get(DataSource);

/** A request as `session` (a user), from `remoteAddress` when given. */
export function caller(app: NestFastifyApplication, session: Session, remoteAddress?: string) {
  return (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: bearer(session.access_token), payload, ...(remoteAddress ? { remoteAddress } : {}) });
}

/** Polls until `check` returns a truthy value (returned) or `withinMs` passes (throws, naming `what`). */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${withinMs} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** The action's status as the database holds it. */
export async function statusOf(app: NestFastifyApplication, id: string): Promise<string> {
  const [row] = await db(app).query(`SELECT status FROM network_actions WHERE id = $1`, [id]);
  return row?.status;
}

export async function firewallTargets(app: NestFastifyApplication): Promise<string[]> {
  const state = await app.get(FirewallDriver).list();
  return [...state.addresses.map((a) => a.target), ...state.ports.map((p) => `${p.port}/${p.proto}`)];
}

/** A value of the application's /metrics (NaN when the series is absent). */
export async function metricValue(app: NestFastifyApplication, pattern: RegExp): Promise<number> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = pattern.exec(body);
  return match ? Number(match[1]) : NaN;
}

/** `ids_firewall_drift_total{kind, change, repaired_by}`. */
export function driftCount(app: NestFastifyApplication, kind: string, change: string, repairedBy: 'reconciler' | 'job'): Promise<number> {
  return metricValue(app, new RegExp(`ids_firewall_drift_total\\{kind="${kind}",change="${change}",repaired_by="${repairedBy}"\\} (\\d+)`));
}
