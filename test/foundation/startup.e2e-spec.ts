import { ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRedisPrefix } from '../setup/test-database';
import { freePort } from '../utils/server-process';

const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEST_') && k !== 'DATABASE_URL'));
  const child = spawn(TS_NODE, ['--swc', 'src/main.ts'], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
      last = res.status;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} not ready: ${String(last)}`);
}

function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('process start-up', () => {
  it('exits non-zero naming PORT when PORT is invalid', async () => {
    const server = startServer({ PORT: 'abc' });
    const code = await server.exited;
    expect(code).not.toBe(0);
    expect(server.output()).toMatch(/PORT: PORT must be an integer number/);
  }, 30_000);

  it('refuses the default JWT secret in production', async () => {
    const server = startServer({ NODE_ENV: 'production' });
    expect(await server.exited).not.toBe(0);
    expect(server.output()).toMatch(/JWT_SECRET/);
  }, 30_000);

  describe('without DATABASE_URL (embedded PostgreSQL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-embedded-'));
    chmodSync(dir, 0o755); // the database server runs as the postgres user when the tests run as root
    let server: ReturnType<typeof startServer>;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      server = startServer({
        PORT: String(port),
        HOST: '127.0.0.1',
        EMBEDDED_PG_DIR: join(dir, 'postgres'),
        EMBEDDED_PG_PORT: String(await freePort()),
        REDIS_KEY_PREFIX: testRedisPrefix('-embedded'),
        LOG_LEVEL: 'warn',
      });
      const died = server.exited.then((code) => {
        throw new Error(`server exited with ${code}`);
      });
      await Promise.race([waitFor(`http://127.0.0.1:${port}/health/ready`, 90_000), died]).catch((e) => {
        throw new Error(`${e.message}\n${server.output()}`);
      });
    }, 120_000);

    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it('serves /health/ready on the embedded database', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as { info: { database: { status: string } } };
      expect(body.info.database.status).toBe('up');
    });

    (hasPromtool() ? it : it.skip)('exposes /metrics that pass promtool check metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const file = join(dir, 'metrics.txt');
      writeFileSync(file, text);
      // promtool reads the exposition from stdin and exits non-zero on any problem
      const out = execFileSync('sh', ['-c', `promtool check metrics < ${file} 2>&1; echo "exit=$?"`]).toString();
      expect(out.trim().split('\n').pop()).toBe('exit=0');
    });

    it('serves an OpenAPI document that lints with zero errors', async () => {
      const doc = await (await fetch(`http://127.0.0.1:${port}/docs-json`)).text();
      const file = join(dir, 'openapi.json');
      writeFileSync(file, doc);
      const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'redocly'), ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'summary'], { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } }).toString();
      expect(out).not.toMatch(/error/i);
    }, 60_000);
  });
});
