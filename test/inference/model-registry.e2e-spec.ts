import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { createTestApp, testConfig } from '../utils/create-test-app';
import { bearer, createApiKey, createUser, login, Session } from '../utils/factories';
import { CIC_SAMPLE, featuresOf, FIXTURES, readFixtureRows } from '../utils/fixtures';
import { openApiValidator } from '../utils/openapi-validator';

describe('model registry', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  let viewer: Session;
  const defaultDir = testConfig().model.dir;
  const defaultVersion = JSON.parse(readFileSync(join(defaultDir, 'manifest.json'), 'utf8')).version as string;
  const get = (url: string, s: Session = admin) => app.inject({ method: 'GET', url: `/api/v1/inference${url}`, headers: bearer(s.access_token) });
  const post = (url: string, payload?: object, s: Session = admin) =>
    app.inject({ method: 'POST', url: `/api/v1/inference${url}`, headers: bearer(s.access_token), payload });

  beforeAll(async () => {
    app = await createTestApp({ DATASETS_DIR: FIXTURES });
    await app.get(DataSource).query(`DELETE FROM model_versions WHERE artifact_path <> $1`, [defaultDir]);
    admin = await login(app, await createUser(app, { role: Role.ADMIN }));
    viewer = await login(app, await createUser(app, { role: Role.VIEWER }));
  });
  afterAll(async () => {
    await app.get(DataSource).query(`UPDATE model_versions SET is_shadow = false`);
    await app?.close();
  });

  it('loads the shipped model at start-up and reports it', async () => {
    const status = (await get('/model-status', viewer)).json();
    expect(status).toMatchObject({ loaded: true, version: defaultVersion, shadow_version: null });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(status.backend);
    expect(status.labels).toEqual(expect.arrayContaining(['BENIGN', 'DDoS', 'PortScan']));
    const models = (await get('/models', viewer)).json();
    expect(models).toEqual([expect.objectContaining({ version: defaultVersion, is_active: true })]);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`ml_model_info{version="${defaultVersion}",backend="${status.backend}"} 1`);
    // the dashboard names the backend the model runs on, as health does
    const overview = (await app.inject({ method: 'GET', url: '/api/v1/stats/overview', headers: bearer(viewer.access_token) })).json();
    expect(overview.model).toMatchObject({ version: defaultVersion, backend: status.backend });
    expect(models[0].backend).toBe(status.backend);
  });

  it('activates a version and runs a shadow version beside it, exporting their agreement', async () => {
    // a copy of the shipped model under another directory registers as the same version: make a distinct one
    const dir = mkdtempSync(join(tmpdir(), 'ids-model-'));
    cpSync(defaultDir, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version: `${manifest.version}-copy` }));
    const { ModelRegistryService } = await import('../../src/inference/registry/model-registry.service');
    await app.get(ModelRegistryService).register(dir);

    expect((await post(`/models/${manifest.version}-copy/shadow`, undefined, viewer)).statusCode).toBe(403);
    const shadow = await post(`/models/${manifest.version}-copy/shadow`);
    expect(shadow.json()).toMatchObject({ version: defaultVersion, shadow_version: `${manifest.version}-copy` });
    expect((await post(`/models/${defaultVersion}/shadow`)).statusCode).toBe(409);

    const key = await createApiKey(app);
    const rows = await readFixtureRows(CIC_SAMPLE);
    const res = await app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload: { flows: rows.slice(0, 50).map((r) => ({ features: featuresOf(r) })) } });
    expect(res.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ml_shadow_predictions_total \d+/);
    expect(metrics).toMatch(/ml_shadow_agreement_ratio 1/); // identical weights agree on every flow

    const events: unknown[] = [];
    app.get(EventEmitter2).on('model.activated', (e) => events.push(e));
    const activated = await post(`/models/${manifest.version}-copy/activate`);
    expect(activated.json()).toMatchObject({ version: `${manifest.version}-copy`, is_active: true, is_shadow: false });
    expect((await get('/model-status')).json()).toMatchObject({ version: `${manifest.version}-copy`, shadow_version: null });
    expect(events).toEqual([{ version: `${manifest.version}-copy` }]);
    const back = await post(`/models/${defaultVersion}/activate`);
    expect(back.statusCode).toBe(200);
    expect((await post('/models/no-such-version/activate')).statusCode).toBe(404);
    expect((await post('/models/bad%20version/activate')).json().details[0].field).toBe('version');
  });

  it('retrains in the background with progress events and registers the result without activating it', async () => {
    const events: { job_id: string; stage: string; epoch?: number }[] = [];
    app.get(EventEmitter2).on('model.training_progress', (e) => events.push(e));
    const res = await post('/retrain', { data_path: CIC_SAMPLE, epochs: 2, seed: 7, include_feedback: true });
    expect(res.statusCode).toBe(202);
    // this job's events only (the queue may hold other jobs)
    const jobId = String(res.json().job_id);
    const progress = {
      some: (f: (p: (typeof events)[number]) => boolean) => events.some((p) => p.job_id === jobId && f(p)),
      find: (f: (p: (typeof events)[number]) => boolean) => events.find((p) => p.job_id === jobId && f(p)),
    };
    const deadline = Date.now() + 150_000;
    while (!progress.some((p) => ['registered', 'failed'].includes(p.stage)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(progress.find((p) => p.stage === 'failed')).toBeUndefined();
    expect(progress.some((p) => p.epoch === 1)).toBe(true);
    const registered = progress.find((p) => p.stage === 'registered') as { version: string } & (typeof events)[number];
    const models = (await get('/models')).json();
    const retrained = models.find((m: { version: string }) => m.version === registered.version);
    expect(retrained).toMatchObject({ is_active: false, data_summary: { job_id: jobId, feedback: true } });
    // metrics and data summary exactly as openapi.json describes them, for the shipped and the retrained version
    const validate = openApiValidator();
    expect(models.flatMap((m: object) => validate('ModelVersionDto', m))).toEqual([]);
    expect((await get('/model-status')).json().version).toBe(defaultVersion);
    expect((await post('/retrain', { data_path: '/no/such/file.csv' })).json().details[0].field).toBe('data_path');
  }, 180_000);
});
