import { getQueueToken } from '@nestjs/bull';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { FlowImportJob, QUEUES } from '../../src/infra/queues/queues';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createApiKey, createUserSession } from '../utils/factories';
import { FIXTURES } from '../utils/fixtures';

const IMPROVED_SAMPLE = join(FIXTURES, 'cicids2017-improved-sample.csv');
const BOUNDARY = '----ids-import-boundary';

function multipart(content: Buffer | string, fileName = 'flows.csv'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

describe('CSV imports: dialects, refusals at upload, ownership, failures', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let queue: Queue<FlowImportJob>;
  let importDir: string;
  let key: string;
  const sample = readFileSync(IMPROVED_SAMPLE, 'utf8');
  const [header, ...lines] = sample.split('\r\n').filter(Boolean);

  const upload = (content: Buffer | string, query = '', headers: Record<string, string> = { 'x-api-key': key }) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/flows/import${query}`,
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart(content),
    });
  const status = (jobId: string, headers: Record<string, string> = { 'x-api-key': key }) =>
    app.inject({ method: 'GET', url: `/api/v1/flows/import/${jobId}`, headers });
  async function settled(jobId: string, headers: Record<string, string> = { 'x-api-key': key }) {
    let body = (await status(jobId, headers)).json();
    for (let i = 0; i < 150 && !['completed', 'failed'].includes(body.state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      body = (await status(jobId, headers)).json();
    }
    return body;
  }
  const waiting = () => queue.getJobCounts();

  beforeAll(async () => {
    importDir = mkdtempSync(join(tmpdir(), 'ids-imports-'));
    app = await createTestApp({ IMPORT_DIR: importDir });
    db = app.get(DataSource);
    queue = app.get(getQueueToken(QUEUES.FLOW_IMPORT));
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(importDir, { recursive: true, force: true });
  });

  it('imports the corrected dialect with addresses, reports the dialect and reads local times in the given zone', async () => {
    const res = await upload(sample, '?time_zone=America/Halifax');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ dialect: 'cicflowmeter-corrected', time_zone: 'America/Halifax' });
    const done = await settled(res.json().job_id);
    expect(done).toMatchObject({ state: 'completed', dialect: 'cicflowmeter-corrected', progress: { rows: 154, skipped: 0, flows_stored: 154 } });
    // first row: 2017-07-07 12:02:55.371187 local (Atlantic daylight time, UTC-3)
    const [flow] = await db.query(
      `SELECT host(src_ip) AS src, host(dst_ip) AS dst, src_port, dst_port, protocol, flow_ts FROM flows
       WHERE flow_id = '192.168.10.25-17.253.14.125-123-123-17' AND source = 'csv'`,
    );
    expect(flow).toMatchObject({ src: '192.168.10.25', dst: '17.253.14.125', src_port: 123, dst_port: 123, protocol: 17 });
    expect(new Date(flow.flow_ts).toISOString()).toBe('2017-07-07T15:02:55.371Z');
    const alerts = await db.query(`SELECT host(src_ip) AS src, host(dst_ip) AS dst FROM alerts WHERE src_ip << '192.168.0.0/16' OR dst_ip << '192.168.0.0/16'`);
    expect(done.progress.alerts_raised).toBeGreaterThan(0);
    expect(alerts.length).toBe(done.progress.alerts_raised);
    expect(alerts.every((a: { src: string | null; dst: string | null }) => a.src && a.dst)).toBe(true);
    expect(readdirSync(importDir)).toEqual([]);
  });

  it('stores local times as UTC when no zone is given', async () => {
    const res = await upload([header, lines[1]].join('\r\n'));
    expect(res.json().time_zone).toBeNull();
    await settled(res.json().job_id);
    const flowId = lines[1].split(',')[1];
    const timestamp = lines[1].split(',')[7];
    const [flow] = await db.query(`SELECT flow_ts FROM flows WHERE flow_id = $1 ORDER BY received_at DESC LIMIT 1`, [flowId]);
    expect(new Date(flow.flow_ts).toISOString()).toBe(`${timestamp.replace(' ', 'T').slice(0, 23)}Z`);
  });

  it('refuses an unknown time zone with 400 naming time_zone', async () => {
    for (const zone of ['Mars/Olympus', '%2B02:00']) {
      const res = await upload(sample, `?time_zone=${zone}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { field: string }) => d.field)).toContain('time_zone');
    }
  });

  it('refuses at upload, with 400 naming them, a CSV whose header lacks feature columns; nothing is queued or kept', async () => {
    const before = await waiting();
    const cells = header.split(',');
    const cut = cells.filter((c) => c !== 'Flow IAT Std' && c !== 'FWD Init Win Bytes');
    const res = await upload([cut.join(','), lines[0]].join('\r\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ field: 'file', reason: 'lacks required columns: Flow IAT Std, Init_Win_bytes_forward' }]);
    expect(await waiting()).toEqual(before);
    expect(readdirSync(importDir)).toEqual([]);
  });

  it('refuses at upload a file that is not a CICFlowMeter CSV', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    for (const content of [png, '{"flows":[{"features":{}}]}\n', 'name,email\nann,ann@example.com\n', '']) {
      const res = await upload(content);
      expect([res.statusCode, res.json().details?.[0]?.field]).toEqual([400, 'file']);
    }
    expect(readdirSync(importDir)).toEqual([]);
  });

  it('lets a sensor key read only its own imports; staff with system_config read all', async () => {
    const res = await upload([header, lines[0]].join('\r\n'));
    const jobId = res.json().job_id;
    expect((await status(jobId)).statusCode).toBe(200);
    const other = await createApiKey(app);
    expect((await status(jobId, { 'x-api-key': other })).statusCode).toBe(404);
    const admin = (await createUserSession(app, Role.ADMIN)).session;
    expect((await status(jobId, bearer(admin.access_token))).json()).toMatchObject({ job_id: jobId, dialect: 'cicflowmeter-corrected' });
    const analyst = (await createUserSession(app, Role.SECURITY)).session;
    expect((await status(jobId, bearer(analyst.access_token))).statusCode).toBe(403);
    await settled(jobId);
  });

  it('lists imports newest first with their state, each sensor its own, staff every one', async () => {
    const list = (query = '', headers: Record<string, string> = { 'x-api-key': key }) =>
      app.inject({ method: 'GET', url: `/api/v1/flows/imports${query}`, headers });
    const mine = await createApiKey(app);
    const first = (await upload([header, lines[0]].join('\r\n'), '', { 'x-api-key': mine })).json().job_id;
    const second = (await upload([header, lines[1]].join('\r\n'), '', { 'x-api-key': mine })).json().job_id;
    await settled(first, { 'x-api-key': mine });
    await settled(second, { 'x-api-key': mine });
    const own = await list('', { 'x-api-key': mine });
    expect(own.statusCode).toBe(200);
    expect(own.json().items.map((i: { job_id: string }) => i.job_id)).toEqual([second, first]);
    expect(own.json().items[0]).toMatchObject({ state: 'completed', dialect: 'cicflowmeter-corrected', progress: { rows: 1 } });
    expect((await list('?limit=1', { 'x-api-key': mine })).json().items.map((i: { job_id: string }) => i.job_id)).toEqual([second]);
    expect((await list('?state=failed', { 'x-api-key': mine })).json().items).toEqual([]);
    const others = (await list()).json().items.map((i: { job_id: string }) => i.job_id);
    expect(others).not.toContain(first);
    const admin = (await createUserSession(app, Role.ADMIN)).session;
    const all = (await list('?limit=200', bearer(admin.access_token))).json().items.map((i: { job_id: string }) => i.job_id);
    expect(all).toEqual(expect.arrayContaining([first, second]));
    expect((await list('?limit=0', { 'x-api-key': mine })).json().details).toEqual([expect.objectContaining({ field: 'limit' })]);
    expect((await list('?state=done', { 'x-api-key': mine })).json().details).toEqual([expect.objectContaining({ field: 'state' })]);
  });

  it('fails a file that breaks further down at once, without retries, and deletes the upload', async () => {
    const broken = [header, lines[0], `"${lines[1]}`].join('\r\n');
    const res = await upload(broken);
    expect(res.statusCode).toBe(202);
    const jobId = res.json().job_id;
    const failed = await settled(jobId);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/quote/i);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the first retry's backoff
    const job = await queue.getJob(jobId);
    expect([await job?.getState(), job?.attemptsMade]).toEqual(['failed', 1]);
    expect(readdirSync(importDir)).toEqual([]);
  });
});
