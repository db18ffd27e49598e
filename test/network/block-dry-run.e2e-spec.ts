import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { argvOf } from '../../src/network/firewall/command-runner';
import { NetworkTestEnv, Sessions, caller, dryRun, eventually, sessions, statusOf } from './utils/network-test-app';

jest.setTimeout(30_000);

interface CommandView {
  argv: string[];
  stdin: string | null;
}

describe('a block answered under the dry-run firewall driver', () => {
  const env = new NetworkTestEnv();
  let app: NestFastifyApplication;
  let s: Sessions;
  let as: ReturnType<typeof caller>;

  beforeAll(async () => {
    await env.setUp();
    app = await env.app();
    s = await sessions(app);
    as = caller(app, s.security);
  });
  afterAll(async () => {
    await app?.close();
    await env.tearDown();
  });

  /** What the driver really ran (recorded, not executed) for `target`, in the API's shape. */
  const ranFor = (target: string): CommandView[] =>
    dryRun(app)
      .commands()
      .filter((c) => (c.input ?? '').includes(target))
      .map((c) => ({ argv: argvOf(c), stdin: c.input ?? null }));

  it('lists the commands the block would run, the same the driver then runs', async () => {
    const res = await as('POST', '/network/block-ip', { ip: '198.51.100.77', duration: 600, reason: 'dry run' });
    expect(res.statusCode).toBe(201);
    const commands = res.json().dry_run_commands as CommandView[];
    expect(commands.length).toBeGreaterThan(0);
    expect(commands[0].argv).toEqual(['nft', '-f', '-']);
    expect(commands.map((c) => c.stdin).join('')).toMatch(/add element inet \S+ blocked_v4 \{ 198\.51\.100\.77 timeout 600s \}/);
    await eventually('active', async () => (await statusOf(app, res.json().id)) === 'active');
    expect(ranFor('198.51.100.77').slice(-commands.length)).toEqual(commands);
  });

  it('does so for a port and for an IPv6 network too', async () => {
    const port = await as('POST', '/network/block-port', { port: 8081, protocol: 'udp', reason: 'dry run' });
    expect(port.statusCode).toBe(201);
    expect((port.json().dry_run_commands as CommandView[]).map((c) => c.stdin).join('')).toMatch(/blocked_udp \{ 8081 \}/);
    const net = await as('POST', '/network/block-ip', { ip: '2001:db8:77::/48', duration: 60, reason: 'dry run' });
    expect((net.json().dry_run_commands as CommandView[]).map((c) => c.stdin).join('')).toMatch(/blocked_v6_nets \{ 2001:db8:77::\/48 timeout 60s \}/);
  });

  it('lists none on a read of the action (only the block answer carries them)', async () => {
    const created = (await as('POST', '/network/block-ip', { ip: '198.51.100.78', reason: 'dry run' })).json();
    expect((await as('GET', `/network/actions/${created.id}`)).json()).not.toHaveProperty('dry_run_commands');
  });
});
