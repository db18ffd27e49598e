import { getQueueToken } from '@nestjs/bull';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/core/permissions';
import { OUTSIDE_DATASETS } from '../../src/inference/training/dataset-path';
import { ModelClassifier } from '../../src/inference/model-classifier';
import { ModelRuntime } from '../../src/inference/model-runtime.service';
import { readLabelledFlows } from '../../src/inference/model/training-data';
import { QUEUES } from '../../src/infra/queues/queues';
import { createDatabase, deleteRedisKeys, dropDatabase, runMigrations, testRedisPrefix, uniqueName } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, login, Session } from '../utils/factories';
import { CIC_SAMPLE } from '../utils/fixtures';

/**
 * The model store keeps one directory per model version; retraining reads only DATASETS_DIR and is audited. On a
 * database of its own: the versions it activates live in a store deleted afterwards, and every application started
 * on a database loads that database's active version. Its own Redis prefix too: other spec files enqueue trainings
 * on the shared training queue, and its job ids must start where this spec's do.
 */
describe('model store and retraining', () => {
  const database = uniqueName('ids_store');
  let app: NestFastifyApplication;
  let admin: Session;
  const redisPrefix = testRedisPrefix(`:${database}`);
  const store = mkdtempSync(join(tmpdir(), 'ids-store-'));
  const datasets = mkdtempSync(join(tmpdir(), 'ids-datasets-'));
  const post = (url: string, payload?: object) =>
    app.inject({ method: 'POST', url: `/api/v1/inference${url}`, headers: bearer(admin.access_token), payload });
  const get = (url: string) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: bearer(admin.access_token) });

  beforeAll(async () => {
    copyFileSync(CIC_SAMPLE, join(datasets, 'cic.csv'));
    symlinkSync('/etc', join(datasets, 'etc-link'), 'dir');
    symlinkSync('/etc/passwd', join(datasets, 'passwd.csv'));
    const url = await createDatabase(database);
    await runMigrations(url);
    app = await createTestApp({ DATABASE_URL: url, REDIS_KEY_PREFIX: redisPrefix, MODEL_STORE_DIR: store, DATASETS_DIR: datasets });
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
  });
  afterAll(async () => {
    await app?.close();
    await dropDatabase(database);
    await deleteRedisKeys(`${redisPrefix}:*`);
    rmSync(store, { recursive: true, force: true });
    rmSync(datasets, { recursive: true, force: true });
  });

  it('refuses data_path outside DATASETS_DIR with the same answer whether the file exists or not, and audits it', async () => {
    const paths = [
      '/etc/passwd', '/etc/no-such-file', '../../../etc/passwd', '../../../etc/no-such-file', `${datasets}/../${datasets.split('/').pop()}-x`,
      'etc-link/passwd', 'etc-link/no-such-file', 'passwd.csv', 'no-such.csv', '/dev/null',
    ];
    for (const data_path of paths) {
      const res = await post('/retrain', { data_path, epochs: 1 });
      expect({ data_path, status: res.statusCode, details: res.json().details }).toEqual({
        data_path,
        status: 400,
        details: [{ field: 'data_path', reason: OUTSIDE_DATASETS }],
      });
    }
    expect(readdirSync(store)).toEqual([]);
    // this admin's refusals: other spec files post retraining requests into the same database
    const audit = (await get(`/audit?action=model.retrain&actor_id=${admin.user.id}&limit=100`)).json().items as {
      outcome: string;
      details: { data_path: string };
    }[];
    expect(audit.filter((a) => a.outcome === 'failure').map((a) => a.details.data_path).sort()).toEqual([...paths].sort());
  });

  async function train(seed: number): Promise<{ jobId: string; version: string }> {
    const res = await post('/retrain', { data_path: join(datasets, 'cic.csv'), epochs: 2, seed, include_feedback: false });
    expect(res.statusCode).toBe(202);
    const jobId = String(res.json().job_id);
    const job = await app.get<Queue>(getQueueToken(QUEUES.TRAINING)).getJob(jobId);
    const { version } = (await job!.finished()) as { version: string };
    return { jobId, version };
  }

  /** What Redis forgets when it restarts without persistence: every key of the training queue, its job ids too. */
  async function forgetTrainingQueue(): Promise<void> {
    const queue = app.get<Queue>(getQueueToken(QUEUES.TRAINING));
    const keys = await queue.client.keys(`${queue.toKey('')}*`);
    if (keys.length) await queue.client.del(...keys);
  }

  it('stores two trainings after the queue is emptied in two directories named by version, each loading its own weights', async () => {
    const first = await train(7);
    await forgetTrainingQueue();
    const second = await train(8);
    expect(second.jobId).toBe(first.jobId); // the job id repeats: it cannot name the model's directory
    expect(second.version).not.toBe(first.version);

    expect(readdirSync(store).filter((d) => !d.startsWith('.')).sort()).toEqual([first.version, second.version].sort());
    for (const version of [first.version, second.version]) {
      expect(JSON.parse(readFileSync(join(store, version, 'manifest.json'), 'utf8')).version).toBe(version);
    }

    const { features } = await readLabelledFlows(CIC_SAMPLE);
    const vectors = features.slice(0, 40);
    const scores: Record<string, string[]> = {};
    for (const version of [first.version, second.version]) {
      const activated = await post(`/models/${version}/activate`);
      expect(activated.json()).toMatchObject({ version, is_active: true });
      expect((await get('/inference/model-status')).json().version).toBe(version);
      scores[version] = (await app.get(ModelClassifier).classify(vectors)).map((v) => v.confidence.toFixed(4));
      const own = new ModelRuntime();
      await own.load(join(store, version));
      expect(scores[version]).toEqual((await own.predict(vectors)).map((p) => p.confidence.toFixed(4)));
      own.onApplicationShutdown();
    }
    expect(scores[first.version]).not.toEqual(scores[second.version]);

    const audit = (await get('/audit?action=model.retrain&limit=100')).json().items as { outcome: string; target_id: string; details: object }[];
    expect(audit.filter((a) => a.outcome === 'success').map((a) => a.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ data_path: join(datasets, 'cic.csv'), epochs: 2, seed: 7, include_feedback: false, resolved_path: join(datasets, 'cic.csv') }),
        expect.objectContaining({ data_path: join(datasets, 'cic.csv'), epochs: 2, seed: 8, include_feedback: false }),
      ]),
    );
  }, 400_000);
});
