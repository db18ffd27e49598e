import { parseTarget } from '../../core/net';
import { createFirewallDriver } from './firewall-driver.factory';
import { FirewallDriver } from './firewall.driver';
import { FirewallConflictError } from './firewall.errors';
import { LabContext, OTHER_PORT, PORT, behavesLikeAFirewall, reach, tearsDownCleanly } from '../../../test/network/utils/firewall-driver.contract';
import { NetnsLab, describeWithNetns } from '../../../test/network/utils/netns-lab';

jest.setTimeout(30_000);

const PROBES = [['nft', 'list', 'ruleset']];

describeWithNetns('nftables driver on a live kernel (network namespaces)', PROBES, () => {
  const lab = new NetnsLab('nft');
  let driver: FirewallDriver;
  const ctx = (): LabContext => ({ lab, driver });
  const nft = (...args: string[]) => lab.inServer(['nft', ...args]);

  beforeAll(async () => {
    await lab.up();
    await lab.listen([PORT, OTHER_PORT]);
    driver = createFirewallDriver({ driver: 'nftables', netns: lab.server });
    await driver.ensureBase();
  });

  afterAll(() => lab.down());

  describe('base rule set', () => {
    afterEach(() => driver.flush());

    it('is one inet table with six timeout sets and input/forward chains, not duplicated by ensureBase', async () => {
      await driver.ensureBase();
      await driver.ensureBase();
      const table = await nft('list', 'table', 'inet', 'ids_ai');
      for (const [set, type, flags] of [
        ['blocked_v4', 'ipv4_addr', 'timeout'],
        ['blocked_v4_nets', 'ipv4_addr', 'interval,timeout'],
        ['blocked_v6', 'ipv6_addr', 'timeout'],
        ['blocked_v6_nets', 'ipv6_addr', 'interval,timeout'],
        ['blocked_tcp', 'inet_service', 'timeout'],
        ['blocked_udp', 'inet_service', 'timeout'],
      ]) {
        expect(table).toMatch(new RegExp(`set ${set} \\{\\s+type ${type}\\s+flags ${flags}\\s`));
      }
      for (const hook of ['input', 'forward']) {
        const chain = await nft('list', 'chain', 'inet', 'ids_ai', hook);
        const rules = chain.split('\n').map((l) => l.trim().replace(/counter packets \d+ bytes \d+ /, 'counter '));
        expect(rules.filter((l) => /^(type|iifname|ip|ip6|tcp|udp) /.test(l))).toEqual([
          `type filter hook ${hook} priority filter - 10; policy accept;`,
          'iifname "lo" accept',
          'ip saddr @blocked_v4 counter drop',
          'ip saddr @blocked_v4_nets counter drop',
          'ip6 saddr @blocked_v6 counter drop',
          'ip6 saddr @blocked_v6_nets counter drop',
          'tcp dport @blocked_tcp counter drop',
          'udp dport @blocked_udp counter drop',
        ]);
      }
    });

    it('holds blocks as set elements with their timeouts', async () => {
      await driver.apply({
        blockAddresses: [{ target: parseTarget('198.18.0.2'), timeoutSec: 120 }, { target: parseTarget('203.0.113.0/24') }],
        blockPorts: [{ port: 2222, proto: 'tcp', timeoutSec: 120 }],
      });
      const v4 = await nft('list', 'set', 'inet', 'ids_ai', 'blocked_v4');
      expect(v4).toMatch(/198\.18\.0\.2 timeout 2m expires 1m\d+s/);
      expect(await nft('list', 'set', 'inet', 'ids_ai', 'blocked_v4_nets')).toMatch(/203\.0\.113\.0\/24[,\s]/);
      expect(await nft('list', 'set', 'inet', 'ids_ai', 'blocked_tcp')).toMatch(/2222 timeout 2m expires/);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await driver.flush();
    });

    it('refuses a network overlapping a different network, names it, and changes nothing', async () => {
      await driver.blockAddress(parseTarget('198.18.0.0/24'));
      const attempt = driver.apply({
        blockAddresses: [{ target: parseTarget('203.0.113.0/24') }, { target: parseTarget('198.18.0.0/25') }],
      });
      await expect(attempt).rejects.toEqual(new FirewallConflictError('198.18.0.0/25', '198.18.0.0/24'));
      expect((await driver.list()).addresses.map((a) => a.target)).toEqual(['198.18.0.0/24']);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
    });

    it('holds an address inside a blocked network, and replaces a network by an overlapping one in one batch', async () => {
      await driver.apply({ blockAddresses: [{ target: parseTarget('198.18.0.0/24') }, { target: parseTarget('198.18.0.2') }] });
      await driver.apply({
        unblockAddresses: [parseTarget('198.18.0.0/24')],
        blockAddresses: [{ target: parseTarget('198.18.0.0/25'), timeoutSec: 60 }],
      });
      expect((await driver.list()).addresses.map((a) => a.target)).toEqual(['198.18.0.0/25', '198.18.0.2']);
      await driver.unblockAddress(parseTarget('198.18.0.0/25'));
      expect(await reach(lab)).toEqual(['timeout', 'open']);
    });
  });

  describe('behaviour', () => behavesLikeAFirewall(ctx));

  describe('teardown', () =>
    tearsDownCleanly(ctx, async () => (await nft('list', 'tables')).split('\n').filter((l) => l.includes('ids_ai')).join('\n')));
});
