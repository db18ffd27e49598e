import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase, dropDatabase, uniqueName } from '../setup/test-database';
import { loginOverHttp, ServerProcess, serverEnv } from '../utils/server-process';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'cicids2017-generated-sample.csv');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- <args>` as a process, in the server's environment (the run's database and Redis prefix). */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return run(TS_NODE, ['--swc', 'src/cli/cli.ts', ...args], env);
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(file, args, { cwd: ROOT, env: serverEnv(1, env), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function json<T>(result: CliRun): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

describe('the CLI (npm run cli)', () => {
  const email = `cli-admin-${randomUUID().slice(0, 8)}@example.test`;
  const analyst = `cli-user-${randomUUID().slice(0, 8)}@example.test`;
  let server: ServerProcess;

  beforeAll(async () => {
    // a running server (PROCESS_ROLE=all) processes the imports the CLI queues
    server = await ServerProcess.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('creates an admin who can log in, and lists the users', async () => {
    const created = json<{ email: string; role: string }>(await cli(['users:create-admin', '--email', email, '--json'], { ADMIN_PASSWORD: 'Tangerine-rocket-41' }));
    expect(created).toMatchObject({ email, role: 'admin' });
    await expect(loginOverHttp(server.url, email, 'Tangerine-rocket-41')).resolves.toEqual(expect.any(String));
    const users = json<{ email: string; role: string }[]>(await cli(['users:list', '--json']));
    expect(users).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'admin' })]));
  });

  it('creates a user, changes the role and resets the password by email', async () => {
    const env = { IDS_PASSWORD: 'Violet-harbour-72' };
    expect(json<{ role: string }>(await cli(['users:create', '--email', analyst, '--role', 'security', '--json'], env)).role).toBe('security');
    expect(json<{ role: string }>(await cli(['users:set-role', analyst, 'viewer', '--json'])).role).toBe('viewer');
    const reset = await cli(['users:reset-password', analyst], { IDS_PASSWORD: 'Violet-harbour-73' });
    expect(reset.code).toBe(0);
    await expect(loginOverHttp(server.url, analyst, 'Violet-harbour-72')).rejects.toThrow(/401/);
    await expect(loginOverHttp(server.url, analyst, 'Violet-harbour-73')).resolves.toEqual(expect.any(String));
  });

  it('answers bad input with exit code 2 naming the field, and an unknown user with 4', async () => {
    const invalid = await cli(['users:create', '--email', 'not-an-email', '--role', 'viewer'], { IDS_PASSWORD: 'Violet-harbour-72' });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/email: /);
    const badRole = await cli(['users:set-role', analyst, 'root']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are admin, security, viewer/);
    const unknown = await cli(['users:set-role', 'nobody@example.test', 'viewer']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/User nobody@example.test not found/);
  });

  it('creates, lists and revokes an API key; the revoked key is refused', async () => {
    const key = json<{ id: string; key: string }>(await cli(['api-keys:create', '--name', 'cli-sensor', '--json']));
    expect(key.key).toMatch(/^idsk_/);
    const probe = () => fetch(`${server.url}/api/v1/flows/import/${randomUUID()}`, { headers: { 'x-api-key': key.key } });
    expect((await probe()).status).toBe(404); // authenticated: the import does not exist
    expect(json<{ id: string }[]>(await cli(['api-keys:list', '--json'])).map((k) => k.id)).toContain(key.id);
    expect(json<{ revoked_at: string | null }>(await cli(['api-keys:revoke', key.id, '--json'])).revoked_at).not.toBeNull();
    expect((await probe()).status).toBe(401);
  });

  it('imports a CSV and follows it to the end: real flows stored and alerts raised', async () => {
    const status = json<{ state: string; progress: { rows: number; flows_stored: number; alerts_raised: number } }>(
      await cli(['flows:import', SAMPLE, '--follow', '--timeout', '240', '--json']),
    );
    expect(status.state).toBe('completed');
    expect(status.progress.rows).toBe(48);
    expect(status.progress.flows_stored).toBe(48);
    expect(status.progress.alerts_raised).toBeGreaterThan(0);
    // on a terminal (script(1) gives it one) --follow draws a progress bar, then prints the counts
    const shown = await run('script', ['-qec', `${TS_NODE} --swc src/cli/cli.ts flows:import ${SAMPLE} --follow`, '/dev/null']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/importing \[[^\]]+\] \d+% \| \d+ rows \| \d+ alerts/);
    expect(shown.stdout).toMatch(/import \S+ completed: 48 rows, \d+ flows stored, 0 skipped, \d+ alerts raised/);
    const missing = await cli(['flows:import', join(ROOT, 'no-such-file.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/file: cannot read/);
  });

  it('lists the model versions (the active one marked) and activates one', async () => {
    const versions = json<{ version: string; is_active: boolean }[]>(await cli(['model:list', '--json']));
    const active = versions.find((v) => v.is_active);
    expect(active).toBeDefined();
    const activated = json<{ version: string; is_active: boolean }>(await cli(['model:activate', active!.version, '--json']));
    expect(activated).toMatchObject({ version: active!.version, is_active: true });
    expect((await cli(['model:activate', 'mlp-000000000000'])).code).toBe(4);
  });

  it('evaluates a registered version on labelled real flows', async () => {
    const [active] = json<{ version: string; is_active: boolean }[]>(await cli(['model:list', '--json'])).filter((v) => v.is_active);
    const data = join(ROOT, 'test', 'fixtures', 'cicids2017-sample.csv');
    const report = json<{ rows: number; accuracy: number; perClass: Record<string, { support: number }> }>(
      await cli(['model:evaluate', active.version, '--data', data, '--json']),
    );
    expect(report.rows).toBe(179);
    expect(Object.values(report.perClass).reduce((n, c) => n + c.support, 0)).toBe(179);
    expect(report.accuracy).toBeGreaterThan(0.5);
    expect((await cli(['model:evaluate', 'mlp-000000000000', '--data', data])).code).toBe(4);
  });

  it('reverts the last migration and applies it again', async () => {
    const name = uniqueName('ids_cli_db');
    const url = await createDatabase(name);
    try {
      const env = { DATABASE_URL: url };
      const applied = json<string[]>(await cli(['db:migrate', '--json'], env));
      expect(applied.length).toBeGreaterThan(5);
      const reverted = json<{ reverted: string }>(await cli(['db:revert', '--json'], env));
      expect(reverted.reverted).toBe(applied[applied.length - 1]);
      expect(json<string[]>(await cli(['db:migrate', '--json'], env))).toEqual([reverted.reverted]);
    } finally {
      await dropDatabase(name);
    }
  });
});
