import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createDatabase, deleteRedisKeys, dropDatabase, runMigrations, TEST_REDIS_URL, uniqueName } from '../setup/test-database';

const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the signal sent by `stop()` (or from start-up) to the exit. */
  afterMs: number;
}

export interface ServerProcessOptions {
  /** Variables over the defaults of {@link serverEnv} (an empty string unsets one). */
  env?: Record<string, string>;
  /** Polled until it answers 200; null: do not wait (the caller waits for what it needs). */
  readyPath?: string | null;
  readyTimeoutMs?: number;
}

/**
 * The environment of a server process under test: the run's database and Redis key prefix (from the global
 * setup) when there are any, loopback, a free port, logs at `info` (JSON lines the test can read); over a copy of
 * this process's environment without the test run's own variables.
 */
export function serverEnv(port: number, overrides: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('TEST_') && k !== 'DATABASE_URL'),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_AUTOSTART: 'false',
    REDIS_KEY_PREFIX: process.env.TEST_REDIS_PREFIX ?? `ids-test-${process.pid}`,
    DATABASE_MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'info',
    ...(process.env.TEST_DATABASE_URL ? { DATABASE_URL: process.env.TEST_DATABASE_URL } : {}),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
}

/**
 * The real server (`src/main.ts`, compiled on the fly) as a child process, for tests of what only a process
 * shows: start-up, roles, signals, exit codes. Its output is kept (JSON log lines can be searched); a process
 * still running when the test process exits is killed.
 */
export class ServerProcess {
  private out = '';
  private exit: ProcessExit | null = null;
  private stopRequestedAt: number | null = null;
  private readonly startedAt = Date.now();
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout!.on('data', (d) => (this.out += d));
    child.stderr!.on('data', (d) => (this.out += d));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, afterMs: Date.now() - (this.stopRequestedAt ?? this.startedAt) };
        running.delete(this);
        resolve(this.exit);
      }),
    );
    running.add(this);
  }

  /** Starts the server and (unless `readyPath` is null) waits until it answers 200 there. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const port = Number(options.env?.PORT) || (await freePort());
    const child = spawn(TS_NODE, ['--swc', 'src/main.ts'], { cwd: ROOT, env: serverEnv(port, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(child, port);
    const readyPath = options.readyPath === undefined ? '/health/ready' : options.readyPath;
    if (readyPath !== null) {
      try {
        await server.waitUntilReady(readyPath, options.readyTimeoutMs ?? 120_000);
      } catch (e) {
        server.kill();
        await server.exited;
        throw new Error(`${(e as Error).message}\n--- server output ---\n${server.output().slice(-6000)}`);
      }
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** How the process ended; null while it runs. */
  get exitStatus(): ProcessExit | null {
    return this.exit;
  }

  /** Everything the process wrote on stdout and stderr so far. */
  output(): string {
    return this.out;
  }

  /** The JSON log lines written so far (other output is skipped). */
  logs(): Record<string, unknown>[] {
    const lines: Record<string, unknown>[] = [];
    for (const line of this.out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line));
      } catch {
        // a line still being written
      }
    }
    return lines;
  }

  /** Waits for a log message matching `pattern` and returns that line. */
  async waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await pollUntil(`a log line matching ${pattern}`, () => {
      found = this.logs().find((l) => pattern.test(String(l.msg ?? '')));
      if (!found && this.exit) throw new Error(`the server exited (${JSON.stringify(this.exit)}) before logging ${pattern}`);
      return !!found;
    }, timeoutMs);
    return found!;
  }

  /** Polls `path` until it answers 200 (throws if the process exits first). */
  async waitUntilReady(path = '/health/ready', timeoutMs = 120_000): Promise<void> {
    await pollUntil(`${this.url}${path} answering 200`, async () => {
      if (this.exit) throw new Error(`the server exited during start-up (${JSON.stringify(this.exit)})`);
      const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
      await res?.body?.cancel();
      return res?.status === 200;
    }, timeoutMs, 250);
  }

  /** Sends `signal` (the exit time is measured from the first one sent). */
  signal(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.stopRequestedAt ??= Date.now();
    if (!this.exit) this.child.kill(signal);
  }

  /**
   * Sends `signal` unless a signal was already sent (the server takes a second one as "exit now"), and waits for
   * the exit; after `timeoutMs` the process is killed and that is an error.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 60_000): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    if (this.stopRequestedAt === null) this.signal(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`the server did not exit within ${timeoutMs} ms of ${signal}\n${this.output().slice(-4000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL, for cleanup. */
  kill(): void {
    if (!this.exit) this.child.kill('SIGKILL');
  }
}

const running = new Set<ServerProcess>();
process.once('exit', () => running.forEach((s) => s.kill()));

/** Polls `check` every `everyMs` until it returns true; throws naming `what` after `timeoutMs`. */
export async function pollUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A database (migrated) and a Redis key prefix of a test's own, for server processes whose start-up must find an
 * empty database (first admin from ADMIN_EMAIL) or whose rows must not mix with other specs'. `env` plugs them
 * into {@link ServerProcess.start}; `destroy()` drops the database and deletes the prefix's keys.
 */
export class IsolatedStorage {
  private constructor(
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly redisPrefix: string,
  ) {}

  static async create(label: string): Promise<IsolatedStorage> {
    const name = uniqueName(`ids_${label}`);
    const url = await createDatabase(name);
    await runMigrations(url);
    return new IsolatedStorage(name, url, name);
  }

  get env(): Record<string, string> {
    return { DATABASE_URL: this.databaseUrl, REDIS_KEY_PREFIX: this.redisPrefix };
  }

  async destroy(): Promise<void> {
    await deleteRedisKeys(`${this.redisPrefix}:*`);
    if (!process.env.TEST_KEEP_DATABASE) await dropDatabase(this.databaseName);
  }
}

/** Signs in over HTTP and returns the access token. */
export async function loginOverHttp(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Creates a sensor API key over HTTP with an admin's access token and returns its secret. */
export async function createApiKeyOverHttp(url: string, adminToken: string, name = 'test-sensor'): Promise<string> {
  const res = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`API key not created: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}
