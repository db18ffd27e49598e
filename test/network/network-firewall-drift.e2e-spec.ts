import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { OTHER_PORT, PORT, reach } from './utils/firewall-driver.contract';
import { LAB, NetnsLab, describeWithNetns } from './utils/netns-lab';
import { testConfig } from '../utils/create-test-app';
import { IPTABLES, NFTABLES, RealDriver } from './utils/firewall-api.suite';
import { NetworkTestEnv, Sessions, caller, driftCount, eventually, sessions, statusOf } from './utils/network-test-app';

jest.setTimeout(60_000);

/** Removes, by hand as an operator would, one jump (or hooked chain), one rule of our chain and one set member. */
interface Tamper {
  /** Deletes them; afterwards client A's block is ineffective. */
  run: (lab: NetnsLab) => Promise<void>;
  /** What the repair of `run` must count: [kind, change, n]. */
  expected: [string, string, number][];
}

/**
 * Runs `script` with `tool -f`-style file input inside the server namespace: one atomic change, as `iptables-restore`
 * and `nft -f` make it.
 */
async function atomically(lab: NetnsLab, argv: string[], script: string): Promise<void> {
  const file = join(tmpdir(), `ids-fw-tamper-${process.pid}-${Date.now()}`);
  await writeFile(file, script);
  try {
    await lab.inServer([...argv, file]);
  } finally {
    await rm(file, { force: true });
  }
}

const TAMPER: Record<'iptables' | 'nftables', Tamper> = {
  iptables: {
    // one transaction, so a reconcile pass sees all of it or none of it
    run: async (lab) => {
      await atomically(lab, ['iptables-restore', '-w', '--noflush'], [
        '*filter',
        '-D INPUT -j IDS_AI',
        '-D IDS_AI -p tcp -m set --match-set ids_ai_tcp dst -j DROP',
        '-A IDS_AI -p udp -m udp --dport 9 -j DROP',
        'COMMIT',
        '',
      ].join('\n'));
      await lab.inServer(['ipset', 'del', 'ids_ai_v4', LAB.clientA.v4]);
    },
    expected: [['chain', 'missing', 1], ['rule', 'missing', 1], ['rule', 'unexpected', 1], ['set_member', 'missing', 1]],
  },
  nftables: {
    run: async (lab) => {
      const forward = await lab.inServer(['nft', '-a', 'list', 'chain', 'inet', 'ids_ai', 'forward']);
      const handle = /tcp dport @blocked_tcp .*# handle (\d+)/.exec(forward)![1];
      // the hooked input chain is nftables' jump: without it nothing of ours sees INPUT traffic
      await atomically(lab, ['nft', '-f'], [
        'flush chain inet ids_ai input',
        'delete chain inet ids_ai input',
        `delete rule inet ids_ai forward handle ${handle}`,
        'add rule inet ids_ai forward udp dport 9 drop',
        `delete element inet ids_ai blocked_v4 { ${LAB.clientA.v4} }`,
        '',
      ].join('\n'));
    },
    // the deleted input chain held its 7 rules
    expected: [['chain', 'missing', 1], ['rule', 'missing', 8], ['rule', 'unexpected', 1], ['set_member', 'missing', 1]],
  },
};

const COUNTED: [string, string][] = [
  ['chain', 'missing'], ['rule', 'missing'], ['rule', 'unexpected'], ['set_member', 'missing'], ['set_member', 'unexpected'], ['set_member', 'timeout'],
];

async function counts(app: NestFastifyApplication, by: 'reconciler' | 'job'): Promise<Record<string, number>> {
  const entries = await Promise.all(COUNTED.map(async ([kind, change]) => [`${kind}/${change}`, await driftCount(app, kind, change, by)] as const));
  return Object.fromEntries(entries);
}

const grew = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([key, n]) => [key, n - before[key]]).filter(([, d]) => d !== 0));

function describeDrift(fw: RealDriver): void {
  describeWithNetns(`firewall drift on a live ${fw.driver} firewall (network namespaces, 198.18.0.0/15 only)`, fw.probes, () => {
    const env = new NetworkTestEnv();
    const lab = new NetnsLab(`${fw.tag}d`);
    let app: NestFastifyApplication | undefined;
    let s: Sessions;
    const start = async (reconcileSeconds: string) => {
      app = await env.app({ FIREWALL_DRIVER: fw.driver, FIREWALL_NETNS: lab.server, FIREWALL_RECONCILE_SECONDS: reconcileSeconds });
      s = await sessions(app);
    };
    const as = (...args: Parameters<ReturnType<typeof caller>>) => caller(app!, s.security)(...args);
    const blockA = async () => {
      const res = await as('POST', '/network/block-ip', { ip: LAB.clientA.v4, duration: 600, reason: 'drift test' });
      await eventually('active', async () => (await statusOf(app!, res.json().id)) === 'active');
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      return res.json().id as string;
    };

    beforeAll(async () => {
      await env.setUp();
      await lab.up();
      await lab.listen([PORT, OTHER_PORT]);
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    afterAll(async () => {
      await lab.down();
      await env.tearDown();
    });

    it('counts a jump, rules and a set member deleted by hand when the reconciler restores them', async () => {
      await start('1');
      const id = await blockA();
      const port = await as('POST', '/network/block-port', { port: OTHER_PORT, protocol: 'tcp', duration: 600, reason: 'port drift' });
      await eventually('port block active', async () => (await statusOf(app!, port.json().id)) === 'active');
      const before = await counts(app!, 'reconciler');
      await TAMPER[fw.driver].run(lab);
      await eventually('client A blocked again', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 300)) === 'timeout', 5000);
      const expected = Object.fromEntries(TAMPER[fw.driver].expected.map(([kind, change, n]) => [`${kind}/${change}`, n]));
      const counted = async () => grew(before, await counts(app!, 'reconciler'));
      await eventually('repair counted', async () => JSON.stringify(await counted()) === JSON.stringify(expected), 10_000).catch(() => undefined);
      expect(await counted()).toEqual(expected);
      expect(await reach(lab, OTHER_PORT)).toEqual(['timeout', 'timeout']);
      await as('DELETE', `/network/unblock/${id}`);
    });

    it('counts the repairs a job\'s sync makes, and not the block the job was queued for', async () => {
      await start('3600'); // only the start-up pass: the next sync is the job's
      await blockA();
      const [byJob, byReconciler] = [await counts(app!, 'job'), await counts(app!, 'reconciler')];
      await TAMPER[fw.driver].run(lab);
      expect((await reach(lab))[0]).toBe('open');
      const res = await as('POST', '/network/block-ip', { ip: LAB.clientB.v4, duration: 600, reason: 'queued for a job' });
      await eventually('the job applied it', async () => (await statusOf(app!, res.json().id)) === 'active');
      expect(await reach(lab)).toEqual(['timeout', 'timeout']);
      expect(grew(byJob, await counts(app!, 'job'))).toEqual(
        Object.fromEntries(TAMPER[fw.driver].expected.map(([kind, change, n]) => [`${kind}/${change}`, n])),
      );
      expect(grew(byReconciler, await counts(app!, 'reconciler'))).toEqual({});
    });
  });
}

describeDrift(IPTABLES);
describeDrift(NFTABLES);

describeWithNetns('switching FIREWALL_DRIVER (network namespaces, 198.18.0.0/15 only)', [...IPTABLES.probes, ...NFTABLES.probes], () => {
  const env = new NetworkTestEnv();
  const lab = new NetnsLab('swt');
  let app: NestFastifyApplication | undefined;
  const start = (driver: string, extra: Record<string, string> = {}) =>
    env.app({ FIREWALL_DRIVER: driver, FIREWALL_NETNS: lab.server, FIREWALL_RECONCILE_SECONDS: '1', ...extra });
  const iptablesParts = async () => [
    ...(await lab.inServer(['iptables', '-w', '-S'])).split('\n').filter((r) => r.includes('IDS_AI')),
    ...(await lab.inServer(['ip6tables', '-w', '-S'])).split('\n').filter((r) => r.includes('IDS_AI')),
    ...(await lab.inServer(['ipset', 'list', '-n'])).split('\n').filter((n) => n.startsWith('ids_ai')),
  ];
  // iptables-nft keeps its tables (ip filter, ip6 filter) in nftables too: only inet tables are ours or a bystander's
  const nftTables = async () => (await lab.inServer(['nft', 'list', 'tables'])).split('\n').filter((t) => t.startsWith('table inet')).join('\n');

  beforeAll(async () => {
    await env.setUp();
    await lab.up();
    await lab.listen([PORT]);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await lab.down();
    await env.tearDown();
  });

  it('removes the other driver\'s rule set at start, so a block lifted after the switch lets traffic in', async () => {
    app = await start('iptables');
    const s = await sessions(app);
    const res = await caller(app, s.security)('POST', '/network/block-ip', { ip: LAB.clientA.v4, duration: 600, reason: 'before the switch' });
    await eventually('active', async () => (await statusOf(app!, res.json().id)) === 'active');
    expect(await iptablesParts()).toHaveLength(18);
    await app.close();

    app = await start('nftables');
    expect(await iptablesParts()).toEqual([]);
    expect(await nftTables()).toBe('table inet ids_ai');
    expect(await reach(lab)).toEqual(['timeout', 'open']);
    const s2 = await sessions(app);
    await caller(app, s2.security)('DELETE', `/network/unblock/${res.json().id}`);
    await eventually('client A back in', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 500)) === 'open', 4000);
  });

  it('refuses to start, naming what is installed, with FIREWALL_OTHER_DRIVER=refuse; touches nothing else', async () => {
    await lab.inServer(['nft', 'add', 'table', 'inet', 'someone_else']);
    await lab.inServer(['iptables', '-w', '-N', 'OPERATOR']);
    const refusing = await createApp(testConfig(env.settings({ FIREWALL_DRIVER: 'iptables', FIREWALL_NETNS: lab.server, FIREWALL_OTHER_DRIVER: 'refuse' })));
    await expect(refusing.init()).rejects.toThrow(
      /The nftables firewall driver's rule set is still installed \(nftables table inet ids_ai\): remove it, or set FIREWALL_OTHER_DRIVER=remove/,
    );
    await refusing.close();
    expect(await nftTables()).toContain('table inet ids_ai');
    app = await start('iptables');
    expect(await nftTables()).toBe('table inet someone_else');
    expect(await iptablesParts()).toHaveLength(18);
    expect(await lab.inServer(['iptables', '-w', '-S', 'OPERATOR'])).toContain('-N OPERATOR');
    expect(await reach(lab)).toEqual(['open', 'open']);
  });
});
