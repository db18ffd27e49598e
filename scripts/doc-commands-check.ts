import Redis from 'ioredis';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  allDocCommands,
  classify,
  DocCommand,
  DOC_COMMANDS,
  entryFor,
  missingEvidence,
  RunSpec,
} from '../test/docs/doc-commands';

/**
 * `npm run docs:commands` (`-- --list` prints each command with what CI does with it): every shell command of the
 * documents is run by CI (another step, or this script) or listed with the reason it cannot be, in
 * test/docs/doc-commands.ts; this fails on any other, then runs the `run` ones on a scratch database and checks
 * the options of the commands CI cannot run against their program's --help.
 */
const root = join(__dirname, '..');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const where = (c: DocCommand) => `${c.file}:${c.line}`;

type Result = { status: number | null; output: string; ms: number };

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Result {
  const started = Date.now();
  const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  const output = `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`;
  return { status: r.status, output, ms: Date.now() - started };
}

function checkList(commands: DocCommand[]): void {
  const { unlisted, stale } = classify(commands);
  const evidence = missingEvidence();
  for (const c of unlisted) console.error(`not run in CI and not listed as an exception: ${where(c)}: ${c.text}`);
  for (const e of stale) console.error(`test/docs/doc-commands.ts: the entry ${String(e.match)} matches no command`);
  for (const e of evidence) console.error(`test/docs/doc-commands.ts: ${e}`);
  if (unlisted.length || stale.length || evidence.length) {
    console.error('add the command to test/docs/doc-commands.ts: run it, name what runs it, or say why CI cannot');
    process.exit(1);
  }
  const count = (kind: string) => commands.filter((c) => kind in entryFor(c)!.treat).length;
  const counts = `${count('run')} run here, ${count('ci')} run by other CI steps, ${count('notInCi')} not run in CI`;
  console.log(`${commands.length} commands: ${counts}`);
}

/** The options of a command CI cannot run must be ones its program accepts. */
function checkOptions(commands: DocCommand[], env: NodeJS.ProcessEnv): string[] {
  const failures: string[] = [];
  const helps = new Map<string, string>();
  for (const c of commands) {
    const treat = entryFor(c)!.treat;
    if (!('notInCi' in treat) || !treat.optionsCheckedBy) continue;
    const help = treat.optionsCheckedBy;
    if (!helps.has(help)) helps.set(help, sh(help, root, env).output);
    const text = helps.get(help)!;
    for (const option of c.text.match(/(?<=\s)--[a-z][\w-]*/g) ?? []) {
      if (option === '--silent' || text.includes(option)) continue;
      failures.push(`${where(c)}: ${option} is not an option of \`${help}\``);
    }
  }
  console.log(`options of ${helps.size ? [...helps.keys()].join(', ') : 'no command'} checked`);
  return failures;
}

function runAll(commands: DocCommand[], env: NodeJS.ProcessEnv): string[] {
  const failures: string[] = [];
  const cwdOf = new Map<string, string>(); // per block: `cd` changes the directory of the block's later commands
  for (const entry of DOC_COMMANDS) {
    if (!('run' in entry.treat)) continue;
    const spec: RunSpec = entry.treat.run;
    for (const c of commands.filter((x) => entryFor(x) === entry)) {
      const block = `${c.file}:${c.block}`;
      const cwd = cwdOf.get(block) ?? root;
      const text = (spec.replace ?? []).reduce<string>((t, [from, to]) => t.replace(from, to), c.text);
      const r = sh(c.text.startsWith('cd ') ? `${text} && pwd` : text, cwd, env);
      const exits = [spec.exit ?? 0].flat();
      const ok = exits.includes(r.status ?? -1) && (!spec.output || spec.output.test(r.output));
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${where(c)} (${(r.ms / 1000).toFixed(1)} s): ${text}`);
      if (!ok) {
        const expected = `exit ${exits.join(' or ')}${spec.output ? `, output ${spec.output}` : ''}`;
        failures.push(`${where(c)}: exit ${r.status} (expected ${expected})`);
        console.log(r.output.split('\n').slice(-30).join('\n'));
      } else if (c.text.startsWith('cd ')) {
        cwdOf.set(block, r.output.trim().split('\n').pop()!);
      }
    }
  }
  return failures;
}

function describe(c: DocCommand): string {
  const treat = entryFor(c)!.treat;
  if ('run' in treat) return 'run by npm run docs:commands';
  if ('ci' in treat) return `run by ${treat.ci}`;
  const options = treat.optionsCheckedBy ? ` (options checked by ${treat.optionsCheckedBy})` : '';
  return `not in CI: ${treat.notInCi}${options}`;
}

async function main(): Promise<void> {
  const commands = allDocCommands();
  checkList(commands);
  if (process.argv.includes('--list')) {
    for (const c of commands) console.log(`${where(c)}: ${c.text}\n    ${describe(c)}`);
    return;
  }
  const scratch = `ids_doc_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'ids-doc-commands-'));
  const prefix = `ids-doc-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SCRATCH_DB: scratch,
    SCRATCH_DIR: dir,
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${scratch}`,
    REDIS_KEY_PREFIX: prefix,
    IMPORT_DIR: join(dir, 'imports'),
  };
  delete env.NODE_ENV;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const failures = [...checkOptions(commands, env), ...runAll(commands, env)];
    if (failures.length) {
      console.error(failures.join('\n'));
      process.exitCode = 1;
    } else console.log('doc-commands: passed');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch(() => undefined);
    if (redis.status === 'ready') {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
