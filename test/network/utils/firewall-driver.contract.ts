import { parseTarget } from '../../../src/core/net/index';
import { FirewallDriver } from '../../../src/network/firewall/firewall.driver';
import { FirewallBaseMissingError, FirewallRequestError } from '../../../src/network/firewall/firewall.errors';
import { FirewallState } from '../../../src/network/firewall/firewall.types';
import { LAB, LabClient, NetnsLab } from './netns-lab';

export const PORT = 8080;
export const OTHER_PORT = 8081;

export interface LabContext {
  lab: NetnsLab;
  driver: FirewallDriver;
}

const a4 = parseTarget(LAB.clientA.v4);
const a6 = parseTarget(LAB.clientA.v6);

/** Polls until the client connects again (its block expired or was lifted) or `withinMs` passes. */
export async function opensWithin(
  lab: NetnsLab,
  client: LabClient,
  withinMs: number,
  host: string = LAB[client].serverV4,
): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if ((await lab.connect(client, host, PORT, 500)) === 'open') return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** What each client sees on the IPv4 listener: `[client A, client B]`. */
export async function reach(lab: NetnsLab, port = PORT): Promise<[string, string]> {
  return Promise.all([
    lab.connect('clientA', LAB.clientA.serverV4, port),
    lab.connect('clientB', LAB.clientB.serverV4, port),
  ]);
}

const targets = (state: FirewallState) => state.addresses.map((a) => a.target);

/**
 * Behaviour every real driver must show on a live kernel: traffic from the lab's clients to the listener in
 * the server namespace, and `list()` agreeing with it. Each test leaves the firewall empty (base installed).
 */
export function behavesLikeAFirewall(ctx: () => LabContext): void {
  afterEach(() => ctx().driver.flush());

  it('lets both clients in while nothing is blocked', async () => {
    expect(await reach(ctx().lab)).toEqual(['open', 'open']);
    expect(await ctx().driver.list()).toEqual({ addresses: [], ports: [] });
  });

  it('drops client A after its address is blocked, and only client A', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(a4);
    expect(await reach(lab)).toEqual(['timeout', 'open']);
    const blocked = { target: '198.18.0.2', family: 4, expiresInSec: null };
    expect(await driver.list()).toEqual({ addresses: [blocked], ports: [] });
    await driver.unblockAddress(a4);
    expect(await reach(lab)).toEqual(['open', 'open']);
  });

  it('lets client A back in when the per-entry timeout expires', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(a4, 2);
    expect(await reach(lab)).toEqual(['timeout', 'open']);
    const [entry] = (await driver.list()).addresses;
    expect(entry.expiresInSec).toBeLessThanOrEqual(2);
    expect(await opensWithin(lab, 'clientA', 6000)).toBe(true);
    expect((await driver.list()).addresses).toEqual([]);
  });

  it('blocks a whole CIDR', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(parseTarget('198.18.0.77/24'));
    expect(await reach(lab)).toEqual(['timeout', 'open']);
    expect(targets(await driver.list())).toEqual(['198.18.0.0/24']);
    await driver.unblockAddress(parseTarget('198.18.0.0/24'));
    expect(await reach(lab)).toEqual(['open', 'open']);
  });

  it('blocks an IPv6 source without touching its IPv4 traffic', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(a6, 60);
    expect(await lab.connect('clientA', LAB.clientA.serverV6, PORT)).toBe('timeout');
    expect(await lab.connect('clientB', LAB.clientB.serverV6, PORT)).toBe('open');
    expect(await lab.connect('clientA', LAB.clientA.serverV4, PORT)).toBe('open');
    const [entry] = (await driver.list()).addresses;
    expect([entry.target, entry.family, entry.expiresInSec! > 50]).toEqual(['2001:2::2', 6, true]);
    await driver.unblockAddress(a6);
    // the block dropped client A's neighbour solicitations too: its entry for the server may still be FAILED,
    // which fails the first connect at once (unreachable) until neighbour discovery runs again
    expect(await opensWithin(lab, 'clientA', 3000, LAB.clientA.serverV6)).toBe(true);
  });

  it('blocks a port for every source and both families, other ports stay open, unblocking restores it', async () => {
    const { lab, driver } = ctx();
    await driver.blockPort(PORT, 'tcp');
    expect(await reach(lab)).toEqual(['timeout', 'timeout']);
    expect(await lab.connect('clientA', LAB.clientA.serverV6, PORT)).toBe('timeout');
    expect(await reach(lab, OTHER_PORT)).toEqual(['open', 'open']);
    expect((await driver.list()).ports).toEqual([{ port: PORT, proto: 'tcp', expiresInSec: null }]);
    await driver.unblockPort(PORT, 'tcp');
    expect(await reach(lab)).toEqual(['open', 'open']);
  });

  it('lets a port block expire by itself', async () => {
    const { lab, driver } = ctx();
    await driver.blockPort(PORT, 'tcp', 2);
    expect(await reach(lab)).toEqual(['timeout', 'timeout']);
    expect(await opensWithin(lab, 'clientB', 6000)).toBe(true);
    expect((await driver.list()).ports).toEqual([]);
  });

  it('is idempotent: blocking twice keeps one entry with the new timeout, unblocking twice is a no-op', async () => {
    const { driver } = ctx();
    await driver.blockAddress(a4, 30);
    await driver.blockAddress(a4, 300);
    await driver.blockPort(53, 'udp', 30);
    await driver.blockPort(53, 'udp');
    const state = await driver.list();
    expect(state.addresses.map((a) => [a.target, a.expiresInSec! > 200])).toEqual([['198.18.0.2', true]]);
    expect(state.ports).toEqual([{ port: 53, proto: 'udp', expiresInSec: null }]);
    await driver.unblockAddress(a4);
    await driver.unblockAddress(a4);
    await driver.unblockPort(53, 'udp');
    await driver.unblockPort(53, 'udp');
    await driver.unblockAddress(parseTarget('203.0.113.9'));
    expect(await driver.list()).toEqual({ addresses: [], ports: [] });
  });

  it('applies a batch of 2,000 blocks and lists every one of them', async () => {
    const { driver } = ctx();
    const batch = Array.from({ length: 2000 }, (_, i) => ({
      target: parseTarget(`198.19.${i >> 8}.${i & 255}`),
      timeoutSec: 600,
    }));
    await driver.apply({ blockAddresses: batch, blockPorts: [{ port: 9999, proto: 'udp' }] });
    const state = await driver.list();
    expect(new Set(targets(state))).toEqual(new Set(batch.map((b) => b.target.canonical)));
    expect(state.ports).toEqual([{ port: 9999, proto: 'udp', expiresInSec: null }]);
    await driver.flush();
  });

  it('flush removes every entry and traffic flows again', async () => {
    const { lab, driver } = ctx();
    await driver.apply({
      blockAddresses: [{ target: a4 }, { target: a6 }],
      blockPorts: [{ port: OTHER_PORT, proto: 'tcp' }],
    });
    expect(await reach(lab, OTHER_PORT)).toEqual(['timeout', 'timeout']);
    await driver.flush();
    expect(await driver.list()).toEqual({ addresses: [], ports: [] });
    expect(await reach(lab)).toEqual(['open', 'open']);
  });

  it('refuses the whole internet and loopback before touching the firewall', async () => {
    const { lab, driver } = ctx();
    for (const text of ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '127.0.0.1', '0.0.0.0/1', '::1']) {
      await expect(driver.blockAddress(parseTarget(text))).rejects.toBeInstanceOf(FirewallRequestError);
    }
    expect(await driver.list()).toEqual({ addresses: [], ports: [] });
    expect(await reach(lab)).toEqual(['open', 'open']);
  });

  it('keeps working after ensureBase runs again', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(a4);
    await driver.ensureBase();
    await driver.ensureBase();
    expect(targets(await driver.list())).toEqual(['198.18.0.2']);
    expect(await reach(lab)).toEqual(['timeout', 'open']);
    await driver.flush();
  });
}

/** Teardown leaves nothing behind; `list()` then reports the base missing, and `ensureBase()` heals it. */
export function tearsDownCleanly(ctx: () => LabContext, leftovers: () => Promise<string>): void {
  it('teardown removes everything it installed, and ensureBase installs it again', async () => {
    const { lab, driver } = ctx();
    await driver.blockAddress(a4);
    await driver.teardown();
    await driver.teardown();
    expect(await leftovers()).toBe('');
    await expect(driver.list()).rejects.toBeInstanceOf(FirewallBaseMissingError);
    expect(await reach(lab)).toEqual(['open', 'open']);
    await driver.ensureBase();
    expect(await driver.list()).toEqual({ addresses: [], ports: [] });
  });
}
