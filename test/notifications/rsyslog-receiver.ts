import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';

/** One message as rsyslog wrote it: PRI, APP-NAME, MSGID and the MSG parsed as JSON. */
export interface ReceivedSyslog {
  pri: number;
  appName: string;
  msgId: string;
  doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RsyslogTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

const SBIN_PATH = `${process.env.PATH}:/usr/sbin:/sbin`;

/** Why the real rsyslog cannot run here (rsyslogd, its gtls driver from rsyslog-gnutls, openssl), or null. */
export function rsyslogUnavailableReason(): string | null {
  const has = (cmd: string) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', env: { ...process.env, PATH: SBIN_PATH } });
      return true;
    } catch {
      return false;
    }
  };
  if (!has('rsyslogd')) return 'rsyslogd is not installed (apt-get install rsyslog)';
  const libDirs = ['/usr/lib', ...readdirSync('/usr/lib').map((d) => join('/usr/lib', d))];
  if (!libDirs.some((d) => existsSync(join(d, 'rsyslog', 'lmnsd_gtls.so')))) {
    return "rsyslog's gtls driver is not installed (apt-get install rsyslog-gnutls)";
  }
  if (!has('openssl')) return 'openssl is not installed';
  return null;
}

/** A test CA and a server certificate for 127.0.0.1 signed by it, made with openssl in `dir`. */
export function makeTestPki(dir: string): RsyslogTls {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = ['-newkey', 'rsa:2048', '-nodes'];
  run('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=IDS-AI test CA');
  run('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const ca = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'];
  run('x509', '-req', '-in', 'server.csr', ...ca, '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The real rsyslogd in the foreground (`-n -f conf -i pidfile`), every path in the test's directory: imtcp on a
 * loopback port (plain, or TLS with the gtls driver), every message written by omfile as one line.
 */
export class RsyslogReceiver {
  private child: ChildProcess | null = null;
  private readonly conf: string;
  readonly output: string;

  constructor(
    private readonly dir: string,
    readonly name: string,
    readonly port: number,
    private readonly tls?: RsyslogTls,
  ) {
    this.conf = join(dir, `${name}.conf`);
    this.output = join(dir, `${name}.log`);
    const driver = tls
      ? `global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${tls.caFile}"
  DefaultNetstreamDriverCertFile="${tls.certFile}" DefaultNetstreamDriverKeyFile="${tls.keyFile}")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")`
      : 'module(load="imtcp")';
    writeFileSync(
      this.conf,
      `global(workDirectory="${dir}" maxMessageSize="64k")
${driver}
template(name="line" type="string" string="%pri%\\t%app-name%\\t%msgid%\\t%msg%\\n")
ruleset(name="siem") {
  action(type="omfile" file="${this.output}" template="line" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="siem")
`,
    );
  }

  async start(): Promise<void> {
    const pidFile = join(this.dir, `${this.name}.pid`);
    this.child = spawn('rsyslogd', ['-n', '-f', this.conf, '-i', pidFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PATH: SBIN_PATH },
    });
    let stderr = '';
    this.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 15_000;
    while (!(await this.accepts())) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`rsyslogd ${this.name} did not start: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: this.port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Every message written so far. */
  messages(): ReceivedSyslog[] {
    if (!existsSync(this.output)) return [];
    return readFileSync(this.output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [pri, appName, msgId, msg] = line.split('\t');
        return { pri: Number(pri), appName, msgId, doc: JSON.parse(msg) as ReceivedSyslog['doc'] };
      });
  }
}
