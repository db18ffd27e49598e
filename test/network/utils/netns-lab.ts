import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A throw-away network for firewall tests: a server namespace joined by one veth pair to each of two client
 * namespaces. Only benchmarking addresses (198.18.0.0/15, 2001:2::/48) are used and nothing is routed out.
 *
 *   client a  198.18.0.2  2001:2::2      ── veth ──  198.18.0.1  2001:2::1      server (firewall under test)
 *   client b  198.18.1.2  2001:2:0:1::2  ── veth ──  198.18.1.1  2001:2:0:1::1
 */
export const LAB = {
  clientA: { v4: '198.18.0.2', v6: '2001:2::2', serverV4: '198.18.0.1', serverV6: '2001:2::1' },
  clientB: { v4: '198.18.1.2', v6: '2001:2:0:1::2', serverV4: '198.18.1.1', serverV6: '2001:2:0:1::1' },
} as const;

export type LabClient = 'clientA' | 'clientB';
export type ConnectOutcome = 'open' | 'refused' | 'timeout';

const NAME_PREFIX = 'idsfw-';
const CONNECT_PROBE = `const s = require('net').connect({ host: process.argv[1], port: +process.argv[2] });
setTimeout(() => process.exit(2), +process.argv[3]);
s.on('connect', () => process.exit(0));
s.on('error', () => process.exit(1));`;
const LISTENER = `const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) require('net').createServer((s) => s.end()).listen(port, '::', () => {
  if (++ready === ports.length) console.log('ready');
});`;

function run(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: 10_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${argv.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: Buffer | string; message?: string };
  return (e.stderr?.toString() || e.message || String(error)).trim().split('\n')[0];
}

/**
 * Why firewall tests cannot run here, or null when they can: creates and deletes a namespace and runs each
 * probe command inside it. Synchronous, so a spec can choose `describe` or `describe.skip` at load time.
 */
export function netnsUnavailableReason(probes: string[][]): string | null {
  const name = `${NAME_PREFIX}probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const sync = (argv: string[]): void => {
    execFileSync(argv[0], argv.slice(1), { stdio: 'pipe', timeout: 10_000 });
  };
  try {
    sync(['ip', 'netns', 'add', name]);
  } catch (error) {
    return `ip netns add failed: ${firstLine(error)}`;
  }
  try {
    for (const probe of probes) {
      try {
        sync(['ip', 'netns', 'exec', name, ...probe]);
      } catch (error) {
        return `${probe.join(' ')} failed: ${firstLine(error)}`;
      }
    }
    return null;
  } finally {
    try {
      sync(['ip', 'netns', 'del', name]);
    } catch {
      // the namespace may be half-created; nothing else to undo
    }
  }
}

/**
 * `describe` when namespaces and the tools work; otherwise, under CI=true, a suite whose one test fails with the
 * reason, and elsewhere `describe.skip` with a SKIPPED line.
 */
export function describeWithNetns(title: string, probes: string[][], body: () => void): void {
  const reason = netnsUnavailableReason(probes);
  if (reason === null) return describe(title, body);
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('can run here (CI=true requires root, network namespaces and the firewall tools)', () => {
        throw new Error(`cannot create network namespaces: ${reason}`);
      });
    });
    return;
  }
  // Straight to stderr: Jest drops console output of a fully skipped suite when it runs in a worker.
  process.stderr.write(`SKIPPED: cannot create network namespaces: ${reason} (${title})\n`);
  describe.skip(title, body);
}

export class NetnsLab {
  readonly server: string;
  readonly clientA: string;
  readonly clientB: string;
  private readonly created: string[] = [];
  private listener?: ChildProcess;

  constructor(tag: string) {
    const base = `${NAME_PREFIX}${process.pid}-${tag}`;
    [this.server, this.clientA, this.clientB] = [`${base}-srv`, `${base}-a`, `${base}-b`];
  }

  async up(): Promise<void> {
    for (const ns of [this.server, this.clientA, this.clientB]) {
      await run(['ip', 'netns', 'add', ns]);
      this.created.push(ns);
      await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await this.link('to-a', this.clientA, LAB.clientA);
    await this.link('to-b', this.clientB, LAB.clientB);
  }

  private async link(serverSide: string, client: string, addr: (typeof LAB)[LabClient]): Promise<void> {
    const ip = (ns: string, ...args: string[]) => run(['ip', '-n', ns, ...args]);
    await ip(this.server, 'link', 'add', serverSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
    await ip(this.server, 'addr', 'add', `${addr.serverV4}/24`, 'dev', serverSide);
    await ip(this.server, 'addr', 'add', `${addr.serverV6}/64`, 'dev', serverSide, 'nodad');
    await ip(this.server, 'link', 'set', serverSide, 'up');
    await ip(client, 'addr', 'add', `${addr.v4}/24`, 'dev', 'eth0');
    await ip(client, 'addr', 'add', `${addr.v6}/64`, 'dev', 'eth0', 'nodad');
    await ip(client, 'link', 'set', 'eth0', 'up');
  }

  /** Starts TCP listeners on `ports` (all addresses) inside the server namespace. */
  async listen(ports: number[]): Promise<void> {
    const argv = ['netns', 'exec', this.server, process.execPath, '-e', LISTENER, ...ports.map(String)];
    const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.listener = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    });
  }

  /**
   * Opens a TCP connection from a client namespace to `host:port`: `open`, `refused` (nothing listening, or a
   * reject), or `timeout` (packets dropped — what a block must produce).
   */
  connect(client: LabClient, host: string, port: number, timeoutMs = 1000): Promise<ConnectOutcome> {
    const ns = client === 'clientA' ? this.clientA : this.clientB;
    const args = ['netns', 'exec', ns, process.execPath, '-e', CONNECT_PROBE, host, String(port), String(timeoutMs)];
    return new Promise((resolve) => {
      execFile('ip', args, { timeout: timeoutMs + 10_000 }, (error) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve(code === 0 ? 'open' : code === 2 ? 'timeout' : 'refused');
      });
    });
  }

  /** Runs a command inside the server namespace and returns its output. */
  inServer(argv: string[]): Promise<string> {
    return run(['ip', 'netns', 'exec', this.server, ...argv]);
  }

  /** Stops the listener and deletes every namespace this lab created; safe after a failed `up()`. */
  async down(): Promise<void> {
    this.listener?.kill('SIGKILL');
    for (const ns of this.created.splice(0)) await run(['ip', 'netns', 'del', ns]).catch(() => undefined);
  }
}
