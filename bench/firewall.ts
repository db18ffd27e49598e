/**
 * Firewall bench: N (default 10,000) blocked addresses held as
 *   - an ipset set behind one iptables rule (the iptables driver: one `ipset restore`),
 *   - nftables sets (the nftables driver: one `nft -f -` transaction),
 *   - one iptables rule per address loaded with one `iptables-restore` (the fair comparison),
 *   - one iptables rule per address, one `iptables -A` process each (the naive path; time-boxed).
 * For each: time to load N, time to add one more block on top of N, and the packet path — sequential TCP
 * connections from a client that is not blocked, so every packet walks the whole firewall.
 * Each approach gets its own throw-away namespaces (see NetnsLab); traffic stays inside them.
 *
 *   npx ts-node --swc bench/firewall.ts [count]      (root, or CAP_NET_ADMIN + CAP_SYS_ADMIN)
 */
import { execFile, execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { ParsedTarget, parseTarget } from '../src/core/net';
import { createFirewallDriver } from '../src/network/firewall';
import { LAB, NetnsLab } from '../test/network/utils/netns-lab';

const run = promisify(execFile);
const COUNT = Number(process.argv[2] ?? 10_000);
const NAIVE_BUDGET_MS = 30_000;
const EXTRA_BLOCKS = 20;
const CONNECTS = 1_000;
const CONNECT_ROUNDS = 3;
const PORT = 8080;
const labs: NetnsLab[] = [];

interface Row {
  approach: string;
  loadMs?: number;
  loaded?: number;
  reapplyMs?: number;
  listMs?: number;
  plusOneMs?: number;
  connectUs?: number;
  /** Naive path only: ms per rule over its first and its last 500 rules. */
  trend?: [number, number];
}

/** Blocked addresses: 10.0.0.0/8 hosts, so neither lab client is ever among them. */
function addresses(count: number, offset = 0): ParsedTarget[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    return parseTarget(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Mean ms of adding EXTRA_BLOCKS more blocks one at a time, on top of the COUNT already loaded. */
async function plusOneMs(block: (target: ParsedTarget) => Promise<unknown>): Promise<number> {
  const extra = addresses(EXTRA_BLOCKS, COUNT);
  return (await timed(async () => {
    for (const target of extra) await block(target);
  })) / EXTRA_BLOCKS;
}

const inServer = (lab: NetnsLab, ...argv: string[]) => run('ip', ['netns', 'exec', lab.server, ...argv]);

/** Runs a command in the server namespace with `input` on its standard input. */
function feed(lab: NetnsLab, argv: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', lab.server, ...argv], { timeout: 120_000 }, (error) =>
      error ? reject(error) : resolve(),
    );
    child.stdin!.end(input);
  });
}

async function withLab<T>(tag: string, body: (lab: NetnsLab) => Promise<T>): Promise<T> {
  const lab = new NetnsLab(`bench-${tag}`);
  labs.push(lab);
  try {
    await lab.up();
    await lab.listen([PORT]);
    return await body(lab);
  } finally {
    await lab.down();
    labs.splice(labs.indexOf(lab), 1);
  }
}

const CONNECT_LOOP = `const net = require('net'); const [host, port, n] = process.argv.slice(1);
let left = +n; const t0 = process.hrtime.bigint();
const next = () => { if (left-- === 0) { console.log(Number(process.hrtime.bigint() - t0) / 1e3 / +n); return; }
  const s = net.connect(+port, host, () => { s.destroy(); next(); }); s.on('error', (e) => { throw e; }); };
next();`;

/**
 * Microseconds per TCP connect+close from client B to the listener: the mean over CONNECTS sequential tries,
 * best of CONNECT_ROUNDS rounds (the machine may be busy with other work; the best round is the least noisy).
 */
async function connectCost(lab: NetnsLab): Promise<number> {
  const argv = ['netns', 'exec', lab.clientB, process.execPath, '-e', CONNECT_LOOP, LAB.clientB.serverV4, `${PORT}`, `${CONNECTS}`];
  const rounds: number[] = [];
  for (let i = 0; i < CONNECT_ROUNDS; i++) rounds.push(Number((await run('ip', argv, { timeout: 120_000 })).stdout.trim()));
  return Math.min(...rounds);
}

async function viaDriver(driverName: 'iptables' | 'nftables'): Promise<Row> {
  return withLab(driverName === 'iptables' ? 'ipt' : 'nft', async (lab) => {
    const driver = createFirewallDriver({ driver: driverName, netns: lab.server, commandTimeoutMs: 120_000 });
    await driver.ensureBase();
    const blocks = addresses(COUNT).map((target) => ({ target, timeoutSec: 3600 }));
    const loadMs = await timed(() => driver.apply({ blockAddresses: blocks }));
    let listed = 0;
    const listMs = await timed(async () => (listed = (await driver.list()).addresses.length));
    if (listed !== COUNT) throw new Error(`${driverName}: listed ${listed} of ${COUNT}`);
    return {
      approach: driverName === 'iptables' ? 'ipset set, 1 rule' : 'nftables sets',
      loadMs,
      loaded: COUNT,
      listMs,
      reapplyMs: await timed(() => driver.apply({ blockAddresses: blocks })),
      plusOneMs: await plusOneMs((target) => driver.blockAddress(target, 3600)),
      connectUs: await connectCost(lab),
    };
  });
}

async function iptablesRestorePerIp(): Promise<Row> {
  return withLab('rst', async (lab) => {
    const rules = addresses(COUNT).map((t) => `-A BENCH -s ${t.canonical} -j DROP`);
    const script = ['*filter', ':BENCH - [0:0]', '-I INPUT 1 -j BENCH', ...rules, 'COMMIT', ''].join('\n');
    return {
      approach: 'iptables rule per IP, restore',
      loadMs: await timed(() => feed(lab, ['iptables-restore', '-w', '--noflush'], script)),
      loaded: COUNT,
      plusOneMs: await plusOneMs((t) => inServer(lab, 'iptables', '-w', '-A', 'BENCH', '-s', t.canonical, '-j', 'DROP')),
      connectUs: await connectCost(lab),
    };
  });
}

async function iptablesNaivePerIp(): Promise<Row> {
  return withLab('nv', async (lab) => {
    await inServer(lab, 'iptables', '-w', '-N', 'BENCH');
    await inServer(lab, 'iptables', '-w', '-I', 'INPUT', '1', '-j', 'BENCH');
    const stamps: number[] = [];
    const started = performance.now();
    for (const t of addresses(COUNT)) {
      if (performance.now() - started > NAIVE_BUDGET_MS) break;
      await inServer(lab, 'iptables', '-w', '-A', 'BENCH', '-s', t.canonical, '-j', 'DROP');
      stamps.push(performance.now());
    }
    const w = Math.min(500, Math.floor(stamps.length / 2));
    const last = stamps.length - 1;
    const trend: [number, number] = [(stamps[w - 1] - started) / w, (stamps[last] - stamps[last - w]) / w];
    return { approach: 'iptables rule per IP, naive', loadMs: performance.now() - started, loaded: stamps.length, trend };
  });
}

async function baseline(): Promise<Row> {
  return withLab('base', async (lab) => ({ approach: 'no firewall (baseline)', connectUs: await connectCost(lab) }));
}

const COLUMNS = ['load ms', 'µs/entry', 'x ipset', 'reapply ms', 'list ms', '+1 ms', 'x ipset', 'connect µs'];
const cell = (value: number | undefined, digits = 0) => (value === undefined ? '—' : value.toFixed(digits)).padStart(11);
const perEntryUs = (r: Row) => (r.loadMs !== undefined && r.loaded ? (r.loadMs / r.loaded) * 1000 : undefined);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? undefined : a / b);

function print(rows: Row[]): void {
  const ipset = rows.find((r) => r.approach.startsWith('ipset'))!;
  console.log(`\n${'approach'.padEnd(31)}${COLUMNS.map((h) => h.padStart(11)).join('')}`);
  for (const r of rows) {
    const partial = r.loaded !== undefined && r.loaded < COUNT ? ` (${r.loaded} of ${COUNT} in ${NAIVE_BUDGET_MS / 1000} s)` : '';
    const cells = [
      cell(r.loadMs),
      cell(perEntryUs(r), 1),
      cell(ratio(perEntryUs(r), perEntryUs(ipset)), 1),
      cell(r.reapplyMs),
      cell(r.listMs),
      cell(r.plusOneMs, 1),
      cell(ratio(r.plusOneMs, ipset.plusOneMs), 1),
      cell(r.connectUs),
    ];
    console.log(`${r.approach.padEnd(31)}${cells.join('')}${partial}`);
  }
}

function printNotes(naive: Row): void {
  if (naive.trend && naive.loaded! < COUNT) {
    const projected = ((naive.loadMs! / naive.loaded!) * COUNT) / 1000;
    const [first, last] = naive.trend.map((ms) => ms.toFixed(1));
    console.log(`\nnaive path: ${first} ms per rule over its first 500 rules, ${last} ms over its last 500;`);
    console.log(`  at its average rate ${COUNT} rules would take ${projected.toFixed(0)} s (more if the cost keeps growing)`);
  }
  console.log(`+1 ms: one more block on top of ${COUNT}, mean of ${EXTRA_BLOCKS} applied one at a time`);
  console.log(`connect µs: mean of ${CONNECTS} sequential TCP connects from an unblocked client, best of ${CONNECT_ROUNDS} rounds`);
  console.log('  (every packet of an unblocked client walks the whole firewall)');
}

async function main(): Promise<void> {
  if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 1_000_000) throw new Error('count: an integer 1..1000000');
  const versions = [['iptables', '-V'], ['nft', '-v'], ['ipset', '-v']].map(([f, a]) => execFileSync(f, [a]).toString().trim());
  console.log(`firewall bench: ${COUNT} blocked addresses; ${versions.join('; ')}`);
  const rows: Row[] = [];
  for (const step of [() => viaDriver('iptables'), () => viaDriver('nftables'), iptablesRestorePerIp, iptablesNaivePerIp, baseline]) {
    rows.push(await step());
  }
  print(rows);
  printNotes(rows.find((r) => r.trend)!);
}

process.on('SIGINT', () => {
  void Promise.all(labs.map((lab) => lab.down())).finally(() => process.exit(130));
});

main().catch(async (error: unknown) => {
  await Promise.all(labs.map((lab) => lab.down()));
  console.error(error);
  process.exitCode = 1;
});
