import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A throw-away network for the real CrowdSec firewall bouncer (benchmarking addresses 198.18.0.0/15 only):
 *
 *   host (root ns) 198.19.N.1/30 ── veth ── 198.19.N.2/30 bouncer ns 198.19.N.5/30 ── veth ── 198.19.N.6/30 attacker ns
 *
 * The application listens on the host side (198.19.N.1); the bouncer runs in its namespace and filters what the
 * attacker namespace sends to a TCP listener there. N comes from the process id, so parallel runs do not share
 * addresses or names.
 */
export class CrowdsecLab {
  readonly octet = 100 + (process.pid % 150);
  readonly hostAddress = `198.19.${this.octet}.1`;
  readonly bouncerUplink = `198.19.${this.octet}.2`;
  readonly bouncerAddress = `198.19.${this.octet}.5`;
  readonly attackerAddress = `198.19.${this.octet}.6`;
  readonly bouncerNs = `idscs-${process.pid}-fw`;
  readonly attackerNs = `idscs-${process.pid}-atk`;
  private readonly hostVeth = `idscs${process.pid % 100000}h`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'idscs-'));
  private created: string[] = [];
  private bouncer?: ChildProcess;
  private listener?: ChildProcess;
  private output = '';

  async up(): Promise<void> {
    for (const ns of [this.bouncerNs, this.attackerNs]) {
      await run(['ip', 'netns', 'add', ns]);
      this.created.push(ns);
      await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await run(['ip', 'link', 'add', this.hostVeth, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', this.bouncerNs]);
    await run(['ip', 'addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostVeth]);
    await run(['ip', 'link', 'set', this.hostVeth, 'up']);
    await run(['ip', '-n', this.bouncerNs, 'addr', 'add', `${this.bouncerUplink}/30`, 'dev', 'uplink']);
    await run(['ip', '-n', this.bouncerNs, 'link', 'set', 'uplink', 'up']);
    await run(['ip', '-n', this.bouncerNs, 'link', 'add', 'downlink', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.attackerNs]);
    await run(['ip', '-n', this.bouncerNs, 'addr', 'add', `${this.bouncerAddress}/30`, 'dev', 'downlink']);
    await run(['ip', '-n', this.bouncerNs, 'link', 'set', 'downlink', 'up']);
    await run(['ip', '-n', this.attackerNs, 'addr', 'add', `${this.attackerAddress}/30`, 'dev', 'eth0']);
    await run(['ip', '-n', this.attackerNs, 'link', 'set', 'eth0', 'up']);
  }

  /** Starts a TCP listener on the bouncer namespace's address (the service the attacker tries to reach). */
  async listen(): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.bouncerNs, process.execPath, '-e', LISTENER, this.bouncerAddress, String(PROBE_PORT)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.listener = child;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    });
  }

  /** Whether a TCP connection from the attacker namespace to the listener opens within a second. */
  attackerReachesBouncer(timeoutMs = 1000): Promise<boolean> {
    const args = ['netns', 'exec', this.attackerNs, process.execPath, '-e', CONNECT, this.bouncerAddress, String(PROBE_PORT), String(timeoutMs)];
    return new Promise((resolve) => execFile('ip', args, { timeout: timeoutMs + 10_000 }, (error) => resolve(!error)));
  }

  /** Starts crowdsec-firewall-bouncer in the foreground inside the bouncer namespace with this configuration. */
  startBouncer(config: string): void {
    const file = join(this.dir, `bouncer-${Date.now()}.yaml`);
    writeFileSync(file, config, { mode: 0o600 });
    this.output = '';
    const child = spawn('ip', ['netns', 'exec', this.bouncerNs, bouncerBinary()!, '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.on('exit', (code, signal) => (this.output += `\n[bouncer exited: ${code ?? signal}]`));
    this.bouncer = child;
  }

  /** What the bouncer printed (its log goes to stdout), for failure messages. */
  get bouncerLog(): string {
    return this.output.slice(-4000);
  }

  get bouncerRunning(): boolean {
    return !!this.bouncer && this.bouncer.exitCode === null && this.bouncer.signalCode === null;
  }

  /** Stops the bouncer (SIGTERM: it removes its rules and set) and waits for it to exit. */
  async stopBouncer(): Promise<void> {
    const child = this.bouncer;
    if (!child || !this.bouncerRunning) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.bouncer = undefined;
  }

  /** Runs a command inside the bouncer namespace and returns its output ('' when it fails). */
  async inBouncerNs(argv: string[]): Promise<string> {
    try {
      return await run(['ip', 'netns', 'exec', this.bouncerNs, ...argv]);
    } catch (error) {
      return `ERROR ${(error as Error).message}`;
    }
  }

  async down(): Promise<void> {
    await this.stopBouncer();
    this.listener?.kill('SIGKILL');
    await run(['ip', 'link', 'del', this.hostVeth]).catch(() => undefined);
    for (const ns of this.created.reverse()) await run(['ip', 'netns', 'del', ns]).catch(() => undefined);
    this.created = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PROBE_PORT = 8080;
const LISTENER = `require('net').createServer((s) => s.end()).listen(+process.argv[2], process.argv[1], () => console.log('ready'));`;
const CONNECT = `const s = require('net').connect({ host: process.argv[1], port: +process.argv[2] });
setTimeout(() => process.exit(2), +process.argv[3]);
s.on('connect', () => process.exit(0));
s.on('error', () => process.exit(1));`;

function run(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: 15_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${argv.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** The bouncer's binary on PATH (Debian installs /usr/bin/crowdsec-firewall-bouncer), or null. */
export function bouncerBinary(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin']);
  return dirs.map((d) => join(d, 'crowdsec-firewall-bouncer')).find((p) => existsSync(p)) ?? null;
}

/** Why the real-bouncer test cannot run here, or null when it can (checked at load time, synchronously). */
export function crowdsecLabUnavailableReason(): string | null {
  if (!bouncerBinary()) return 'crowdsec-firewall-bouncer is not installed (apt-get install --no-install-recommends crowdsec-firewall-bouncer)';
  if (process.getuid?.() !== 0) return 'not root: network namespaces and firewall rules need root';
  const probe = `idscs-${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  try {
    for (const probeCmd of [['ipset', 'list', '-n'], ['iptables', '-w', '-S'], ['nft', 'list', 'ruleset']]) {
      try {
        execFileSync('ip', ['netns', 'exec', probe, ...probeCmd], { stdio: 'pipe' });
      } catch (error) {
        return `${probeCmd.join(' ')} failed in a namespace: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
      }
    }
    return null;
  } finally {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  }
}
