import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OTHER_PORT, PORT, reach } from './firewall-driver.contract';
import { LAB, NetnsLab, describeWithNetns } from './netns-lab';
import { NetworkTestEnv, Sessions, caller, eventually, sessions, statusOf } from './network-test-app';

export interface RealDriver {
  driver: 'iptables' | 'nftables';
  tag: string;
  /** Commands that must work inside a namespace for the suite to run (as the driver's own netns specs check). */
  probes: string[][];
  /** What the kernel holds, as an operator would list it. */
  listing: (lab: NetnsLab) => Promise<string>;
  /** Wipes every rule and set entry, as an operator flushing the firewall by hand would. */
  flushByHand: (lab: NetnsLab) => Promise<void>;
}

export const IPTABLES: RealDriver = {
  driver: 'iptables',
  tag: 'apiipt',
  probes: [['iptables', '-w', '-S'], ['ip6tables', '-w', '-S'], ['ipset', 'list', '-n'], ['iptables-restore', '--version']],
  listing: async (lab) => (await lab.inServer(['ipset', 'list', 'ids_ai_v4'])) + (await lab.inServer(['ipset', 'list', 'ids_ai_tcp'])),
  flushByHand: async (lab) => {
    await lab.inServer(['iptables', '-w', '-F']);
    await lab.inServer(['ip6tables', '-w', '-F']);
    await lab.inServer(['ipset', 'flush']);
  },
};

export const NFTABLES: RealDriver = {
  driver: 'nftables',
  tag: 'apinft',
  probes: [['nft', 'list', 'ruleset']],
  listing: (lab) => lab.inServer(['nft', 'list', 'table', 'inet', 'ids_ai']),
  flushByHand: async (lab) => void (await lab.inServer(['nft', 'flush', 'ruleset'])),
};

/**
 * The API against a real firewall: the application runs in this process with FIREWALL_NETNS pointing at the
 * server namespace of a throw-away lab (198.18.0.0/15 and 2001:2::/48 only); connections from the lab's client
 * namespaces show what the kernel does. Skipped, with the reason printed, where namespaces cannot be created.
 */
export function describeFirewallApi(fw: RealDriver): void {
  describeWithNetns(`network API on a live ${fw.driver} firewall (network namespaces, 198.18.0.0/15 only)`, fw.probes, () => {
    const env = new NetworkTestEnv();
    const lab = new NetnsLab(fw.tag);
    let app: NestFastifyApplication;
    let s: Sessions;
    const start = async () => {
      app = await env.app({ FIREWALL_DRIVER: fw.driver, FIREWALL_NETNS: lab.server, FIREWALL_RECONCILE_SECONDS: '1' });
      s = await sessions(app);
    };
    const as = (...args: Parameters<ReturnType<typeof caller>>) => caller(app, s.security)(...args);
    const active = (id: string) => eventually(`action ${id} active`, async () => (await statusOf(app, id)) === 'active');

    beforeAll(async () => {
      await env.setUp();
      await lab.up();
      await lab.listen([PORT, OTHER_PORT]);
      await start();
    });
    afterAll(async () => {
      await app?.close();
      await lab.down();
      await env.tearDown();
    });

    it('drops client A (and only A) once its address is blocked, and lets it back in when the block expires', async () => {
      expect(await reach(lab)).toEqual(['open', 'open']);
      const res = await as('POST', '/network/block-ip', { ip: LAB.clientA.v4, duration: 3, reason: 'live test' });
      expect(res.statusCode).toBe(201);
      await active(res.json().id);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      expect(await fw.listing(lab)).toContain(LAB.clientA.v4);
      await eventually('client A back in', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 500)) === 'open', 8000);
      await eventually('expired', async () => (await statusOf(app, res.json().id)) === 'expired', 4000);
      expect(await fw.listing(lab)).not.toContain(LAB.clientA.v4);
      expect(await reach(lab)).toEqual(['open', 'open']);
    });

    it('refuses special-purpose targets with 400, and the live firewall stays exactly as it was', async () => {
      const before = await fw.listing(lab);
      const targets = ['0.0.0.0', '::', '::127.0.0.1', '64:ff9b::7f00:1', '255.255.255.255', '224.0.0.1', '169.254.169.254'];
      for (const ip of targets) {
        const res = await as('POST', '/network/block-ip', { ip, duration: 60, reason: 'special-purpose target' });
        expect({ ip, status: res.statusCode }).toEqual({ ip, status: 400 });
      }
      await new Promise((r) => setTimeout(r, 1500)); // a reconciler pass (1 s) has run
      expect(await fw.listing(lab)).toEqual(before);
      expect(await reach(lab)).toEqual(['open', 'open']);
    });

    it('drops a blocked port for every client while other ports stay open, until it expires', async () => {
      const res = await as('POST', '/network/block-port', { port: PORT, protocol: 'tcp', duration: 3, reason: 'live test' });
      await active(res.json().id);
      expect(await reach(lab)).toEqual(['timeout', 'timeout']);
      expect(await reach(lab, OTHER_PORT)).toEqual(['open', 'open']);
      expect(await fw.listing(lab)).toMatch(new RegExp(`\\b${PORT}\\b`));
      await eventually('port open again', async () => (await lab.connect('clientB', LAB.clientB.serverV4, PORT, 500)) === 'open', 8000);
      expect(await reach(lab)).toEqual(['open', 'open']);
    });

    it('blocks an IPv6 source without touching its IPv4 traffic', async () => {
      const res = await as('POST', '/network/block-ip', { ip: LAB.clientA.v6, duration: 60, reason: 'v6' });
      await active(res.json().id);
      expect(await lab.connect('clientA', LAB.clientA.serverV6, PORT)).toBe('timeout');
      expect(await lab.connect('clientB', LAB.clientB.serverV6, PORT)).toBe('open');
      expect(await lab.connect('clientA', LAB.clientA.serverV4, PORT)).toBe('open');
      await as('DELETE', `/network/unblock/${res.json().id}`);
      await eventually('open after unblock', async () => (await lab.connect('clientA', LAB.clientA.serverV6, PORT, 500)) === 'open', 3000);
    });

    it('lifts a block at once on unblock', async () => {
      const res = await as('POST', '/network/block-ip', { ip: '198.18.0.0/24', reason: 'whole client A link' });
      await active(res.json().id);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await as('DELETE', `/network/unblock/${res.json().id}`);
      await eventually('open after unblock', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 500)) === 'open', 3000);
    });

    it('keeps a host blocked when a network block covering it is lifted (nested blocks)', async () => {
      const network = (await as('POST', '/network/block-ip', { ip: '198.18.0.0/24', duration: 60, reason: 'link' })).json();
      const host = (await as('POST', '/network/block-ip', { ip: LAB.clientA.v4, duration: 60, reason: 'host' })).json();
      await active(network.id);
      await active(host.id);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await as('DELETE', `/network/unblock/${network.id}`);
      await eventually('network entry gone', async () => !(await fw.listing(lab)).includes('198.18.0.0/24'), 3000);
      expect(await fw.listing(lab)).toContain(LAB.clientA.v4);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await as('DELETE', `/network/unblock/${host.id}`);
      await eventually('open after unblock', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 500)) === 'open', 3000);
    });

    it('restores live blocks after a restart on a flushed firewall, and leaves out those that expired meanwhile', async () => {
      const kept = (await as('POST', '/network/block-ip', { ip: LAB.clientA.v4, duration: 600, reason: 'survives restarts' })).json();
      const lapsing = (await as('POST', '/network/block-port', { port: OTHER_PORT, protocol: 'tcp', duration: 4, reason: 'lapses while down' })).json();
      await active(kept.id);
      await active(lapsing.id);
      expect(await reach(lab, OTHER_PORT)).toEqual(['timeout', 'timeout']);

      await app.close(); // before the port block's expiry: it lapses while no instance runs
      await fw.flushByHand(lab);
      expect(await reach(lab)).toEqual(['open', 'open']);
      await eventually('the port block expired meanwhile', async () => new Date(lapsing.expires_at).getTime() < Date.now() - 200, 6000);

      await start(); // the start-up pass has run once init resolves
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      expect(await reach(lab, OTHER_PORT)).toEqual(['timeout', 'open']);
      const listing = await fw.listing(lab);
      expect(listing).toContain(LAB.clientA.v4);
      expect(listing).not.toMatch(new RegExp(`\\b${OTHER_PORT}\\b`));
      expect(await statusOf(app, kept.id)).toBe('active');
      expect(await statusOf(app, lapsing.id)).toBe('expired');
      await as('DELETE', `/network/unblock/${kept.id}`);
      await eventually('open after unblock', async () => (await lab.connect('clientA', LAB.clientA.serverV4, PORT, 500)) === 'open', 3000);
    });
  });
}
