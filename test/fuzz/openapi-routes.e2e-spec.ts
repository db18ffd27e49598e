import { getQueueToken } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeysService } from '../../src/auth/api-keys/api-keys.service';
import { SYSTEM_ACTOR } from '../../src/common/auth/principal';
import { Role } from '../../src/core/permissions';
import { QUEUES } from '../../src/infra/queues/queues';
import { createAlertWithFlow, createNetworkAction } from '../utils/alert-factory';
import { createDatabase, dropDatabase, runMigrations, testRedisPrefix, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, createUserSession, Session } from '../utils/factories';
import { routeTable } from '../utils/route-table';
import { fuzzSeed } from '../utils/hostile-input';
import { FuzzRequest, Operation, operationsOf, readDocument, requestArb, sweepRequests } from './openapi-requests';
import { contractProblem } from './response-checks';

/**
 * Random requests to every operation of openapi.json, against the application in-process on the real
 * PostgreSQL and Redis: random and hostile path parameters, query strings and bodies (schema values as they are
 * and mutated, curated examples mutated, invalid JSON, wrong content types, empty bodies, deep nesting). No
 * request may get a 5xx or crash the process; every error has the documented shape, and every 400 / 413 / 415
 * names its fields. FUZZ_RUNS requests per operation (default 25); FUZZ_SEED reproduces a run. Before the random
 * requests, a systematic sweep gives every query parameter each invalid address and sets every body field to null.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = fuzzSeed();
const document = readDocument();
const operations = operationsOf(document);
/** Operations that end the caller's session: they get a session of their own for each request. */
const SESSION_ENDING = new Set(['Auth_logout', 'Auth_changePassword']);

describe('random requests to every OpenAPI operation', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  let apiKey: string;
  const pools: Record<string, string[]> = {};
  const workDir = mkdtempSync(join(tmpdir(), 'ids-fuzz-'));
  const databaseName = uniqueName('ids_fuzz');
  let databaseUrl: string | undefined;
  const processErrors: unknown[] = [];
  const onProcessError = (e: unknown) => processErrors.push(e);
  const loggedErrors = new Map<string, unknown>();

  beforeAll(async () => {
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
    // the filter logs every 5xx with its correlation id: keep the error to report it with the request
    const logError = Logger.prototype.error;
    jest.spyOn(Logger.prototype, 'error').mockImplementation(function (this: Logger, ...args: unknown[]) {
      const first = args[0] as { err?: unknown; correlationId?: string } | undefined;
      if (first?.correlationId) loggedErrors.set(first.correlationId, first.err);
      return (logError as (...a: unknown[]) => void).apply(this, args);
    });
    // a database and Redis keys of its own: what the fuzzer changes (policies, queued jobs, users) stays here
    databaseUrl = await createDatabase(databaseName);
    await runMigrations(databaseUrl);
    app = await createTestApp({
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('-fuzz'),
      FIREWALL_DRIVER: 'dry-run',
      IMPORT_DIR: join(workDir, 'imports'),
      MODEL_STORE_DIR: join(workDir, 'models'),
      // every request should reach validation and the services, not a lockout or a rate limit
      LOGIN_MAX_FAILURES_PER_IP: '1000000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '1000000',
      RATE_LIMIT_API_PER_WINDOW: '0',
      RATE_LIMIT_INGEST_PER_WINDOW: '0',
      RATE_LIMIT_ANONYMOUS_PER_WINDOW: '0',
    });
    expect(app.get(ConfigService).get('network.firewall.driver')).toBe('dry-run');
    // accepted retraining jobs and webhook deliveries stay queued: no training child process, no outbound HTTP
    await app.get<Queue>(getQueueToken(QUEUES.TRAINING)).pause(true);
    await app.get<Queue>(getQueueToken(QUEUES.WEBHOOKS)).pause(true);

    admin = (await createUserSession(app, Role.ADMIN)).session;
    apiKey = await createApiKey(app, 'fuzz-sensor');
    const victim = await createUser(app, { role: Role.VIEWER });
    const disposableKey = await app.get(ApiKeysService).create(SYSTEM_ACTOR, 'fuzz-disposable', null);
    const { alert, flow } = await createAlertWithFlow(app);
    const action = await createNetworkAction(app, alert.id);
    pools.users = [victim.id];
    pools['api-keys'] = [disposableKey.key.id];
    pools.alerts = [alert.id];
    pools.flows = [flow.id];
    pools.network = [action];
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
    jest.restoreAllMocks();
    await app?.close();
    if (databaseUrl) await dropDatabase(databaseName);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('covers every route the application serves', () => {
    const documented = new Set(operations.map((op) => `${op.method} ${op.path.replace(/\{([^}]+)\}/g, ':$1')}`));
    const served = routeTable(app).map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect(operations.length).toBeGreaterThan(40);
  });

  async function headersFor(op: Operation, request: FuzzRequest): Promise<Record<string, string>> {
    switch (request.auth) {
      case 'user':
        return bearer(SESSION_ENDING.has(op.id) ? (await createUserSession(app, Role.VIEWER)).session.access_token : admin.access_token);
      case 'api-key':
        return { 'x-api-key': apiKey };
      case 'garbage':
        return { authorization: 'Bearer not.a.token', 'x-api-key': 'idsk_nope_nope' };
      default:
        return {};
    }
  }

  const describeFailure = (request: FuzzRequest, res: Awaited<ReturnType<NestFastifyApplication['inject']>>, problem: string) => {
    const logged = loggedErrors.get(String(res.headers['x-request-id']));
    const stack = logged instanceof Error ? `\nserver error: ${logged.stack}` : '';
    const sentPayload = request.payload === undefined ? '' : `\npayload: ${request.payload.slice(0, 1000)}`;
    return (
      `${problem}\n${request.method} ${request.url.slice(0, 500)} (auth: ${request.auth}, headers: ${JSON.stringify(request.headers)})${sentPayload}` +
      `\n→ ${res.statusCode} ${JSON.stringify(res.headers).slice(0, 300)} ${res.body.slice(0, 300)}${stack}`
    );
  };

  // existing ids in the path, so that a null or a bad address reaches the service and the database, not a 404
  it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('sweep: invalid addresses and nulls, %s', async (_name, op) => {
    const pool = pools[op.path.split('/')[3] ?? ''] ?? [];
    const ids = op.pathParams.map(() => pool[0] ?? '00000000-0000-4000-8000-000000000000');
    const failures: string[] = [];
    for (const request of sweepRequests(op, document, ids)) {
      const res = await app.inject({
        method: request.method,
        url: request.url,
        headers: { ...(await headersFor(op, request)), ...request.headers },
        payload: request.payload,
      });
      const problem = contractProblem(op, request, res);
      if (problem) failures.push(describeFailure(request, res, problem));
    }
    expect(failures).toEqual([]);
    expect(processErrors).toEqual([]);
  }, 120_000);

  it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', async (_name, op) => {
    const pool = pools[op.path.split('/')[3] ?? ''] ?? [];
    const property = fc.asyncProperty(requestArb(op, document, pool), async (request) => {
      const res = await app.inject({
        method: request.method,
        url: request.url,
        headers: { ...(await headersFor(op, request)), ...request.headers },
        payload: request.payload,
      });
      const problem = contractProblem(op, request, res);
      if (problem) throw new Error(describeFailure(request, res, problem));
    });
    try {
      await fc.assert(property, { numRuns: RUNS, seed: SEED, includeErrorInReport: true, endOnFailure: true });
    } catch (e) {
      throw new Error(`${op.method} ${op.path}: reproduce with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${(e as Error).message}`);
    }
    expect(processErrors).toEqual([]);
  }, 120_000);

  it('is still up: ready, the admin session and the sensor key still work, nothing crashed', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(admin.access_token) })).statusCode).toBe(200);
    const byKey = await app.inject({ method: 'GET', url: '/api/v1/flows/import/00000000-0000-4000-8000-000000000000', headers: { 'x-api-key': apiKey } });
    expect(byKey.statusCode).toBe(404);
    expect(processErrors).toEqual([]);
  });
});
