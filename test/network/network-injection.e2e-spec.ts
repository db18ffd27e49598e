import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HOSTILE_TARGETS } from '../../src/core/net/hostile-targets.fixture';
import { argvOf } from '../../src/network/firewall/command-runner';
import { NetworkTestEnv, Sessions, caller, db, dryRun, reconcile, sessions } from './utils/network-test-app';

jest.setTimeout(30_000);

/** Port and protocol values a client could send to reach a command line. */
const HOSTILE_PORTS: unknown[] = ['22; flush ruleset', '-1', '0x16', '022', '２２', '22 ', 1e6, -22, 22.5, '1'.repeat(5000), null, [22], { port: 22 }];
const HOSTILE_PROTOCOLS: unknown[] = ['tcp; flush ruleset', '-F', 'TCP', 'tcp ', 'all', '６', '', null];

describe('hostile network targets never reach a firewall command (dry-run driver)', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;

  beforeAll(async () => {
    await env.setUp();
    app = await env.app();
    s = await sessions(app);
    await reconcile(app);
    dryRun(app).clearCommands();
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  it.each(HOSTILE_TARGETS)('rejects %s with 400 naming the field, on every route that takes an address', async (_label, input, reason) => {
    const admin = caller(app, s.admin);
    const attempts = [
      ['block-ip', await admin('POST', '/network/block-ip', { ip: input, reason: 'hostile', force: true }), 'ip'],
      ['unblock', await admin('POST', '/network/unblock', { cidr: input }), 'cidr'],
      ['allowlist', await admin('POST', '/network/allowlist', { cidr: input, comment: 'hostile' }), 'cidr'],
      ['actions', await admin('GET', `/network/actions?target=${encodeURIComponent(input)}`), 'target'],
    ] as const;
    // NUL is refused for every request field before any route's own parsing (PostgreSQL cannot store it)
    const expected = input.includes('\u0000') ? 'must not contain the NUL character (U+0000)' : reason;
    for (const [route, res, field] of attempts) {
      expect([route, res.statusCode, res.json().details]).toEqual([route, 400, [{ field, reason: expected }]]);
      expect(res.body).not.toContain(input.length > 3 ? input : '\u0000never');
    }
  });

  it('rejects hostile ports and protocols with 400', async () => {
    const admin = caller(app, s.admin);
    for (const port of HOSTILE_PORTS) {
      const res = await admin('POST', '/network/block-port', { port, protocol: 'tcp', reason: 'hostile' });
      expect([JSON.stringify(port)?.slice(0, 40), res.statusCode, res.json().details[0].field]).toEqual([JSON.stringify(port)?.slice(0, 40), 400, 'port']);
    }
    for (const protocol of HOSTILE_PROTOCOLS) {
      const res = await admin('POST', '/network/block-port', { port: 22, protocol, reason: 'hostile' });
      expect([protocol, res.statusCode, res.json().details[0].field]).toEqual([protocol, 400, 'protocol']);
    }
  });

  it('left no action in the database and no change command in the firewall, even after a reconcile pass', async () => {
    expect((await reconcile(app))?.sync).toBeTruthy();
    const [{ n }] = await db(app).query(`SELECT count(*)::int AS n FROM network_actions`);
    expect(n).toBe(0);
    const commands = dryRun(app).commands();
    const text = commands.map((c) => `${argvOf(c).join(' ')}\n${c.input ?? ''}`);
    expect(text.filter((t) => /\belement\b/.test(t))).toEqual([]);
    for (const [label, input] of HOSTILE_TARGETS) {
      if (input.length > 3) expect([label, text.some((t) => t.includes(input))]).toEqual([label, false]);
    }
    expect(commands.flatMap((c) => argvOf(c)).filter((arg) => arg === '-F' || arg.startsWith('-1'))).toEqual([]);
    expect((await dryRun(app).list())).toEqual({ addresses: [], ports: [] });
  });
});
