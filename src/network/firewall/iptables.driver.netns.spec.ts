import { parseTarget } from '../../core/net';
import { createFirewallDriver } from './firewall-driver.factory';
import { FirewallDriver } from './firewall.driver';
import { LabContext, OTHER_PORT, PORT, behavesLikeAFirewall, reach, tearsDownCleanly } from '../../../test/network/utils/firewall-driver.contract';
import { NetnsLab, describeWithNetns } from '../../../test/network/utils/netns-lab';

jest.setTimeout(30_000);

const PROBES = [['iptables', '-w', '-S'], ['ip6tables', '-w', '-S'], ['ipset', 'list', '-n'], ['iptables-restore', '--version']];

describeWithNetns('iptables + ipset driver on a live kernel (network namespaces)', PROBES, () => {
  const lab = new NetnsLab('ipt');
  let driver: FirewallDriver;
  const ctx = (): LabContext => ({ lab, driver });

  beforeAll(async () => {
    await lab.up();
    await lab.listen([PORT, OTHER_PORT]);
    driver = createFirewallDriver({ driver: 'iptables', netns: lab.server });
    await driver.ensureBase();
  });

  afterAll(() => lab.down());

  describe('base rule set', () => {
    afterEach(() => driver.flush());

    it('is one chain with one rule per set, jumped to once from INPUT and FORWARD, per family', async () => {
      await driver.ensureBase();
      for (const [tool, set] of [['iptables', 'ids_ai_v4'], ['ip6tables', 'ids_ai_v6']]) {
        const rules = (await lab.inServer([tool, '-w', '-S'])).trim().split('\n');
        expect(rules.filter((r) => r.includes('IDS_AI'))).toEqual([
          '-N IDS_AI',
          '-A INPUT -j IDS_AI',
          '-A FORWARD -j IDS_AI',
          '-A IDS_AI -i lo -j RETURN',
          `-A IDS_AI -m set --match-set ${set} src -j DROP`,
          '-A IDS_AI -p tcp -m set --match-set ids_ai_tcp dst -j DROP',
          '-A IDS_AI -p udp -m set --match-set ids_ai_udp dst -j DROP',
        ]);
      }
    });

    it('keeps per-entry timeouts in hash:net and bitmap:port sets', async () => {
      const headers = await lab.inServer(['ipset', 'list', '-t']);
      expect(headers).toMatch(/Name: ids_ai_v4\nType: hash:net\n[^]*?Header: family inet .*timeout 0/);
      expect(headers).toMatch(/Name: ids_ai_v6\nType: hash:net\n[^]*?Header: family inet6 .*timeout 0/);
      expect(headers).toMatch(/Name: ids_ai_tcp\nType: bitmap:port\n[^]*?Header: range 1-65535 timeout 0/);
    });

    it('holds blocks as set members, not rules', async () => {
      await driver.apply({
        blockAddresses: [{ target: parseTarget('198.18.0.2'), timeoutSec: 120 }, { target: parseTarget('198.18.0.0/30') }],
        blockPorts: [{ port: 2222, proto: 'tcp', timeoutSec: 120 }],
      });
      const v4 = await lab.inServer(['ipset', 'list', 'ids_ai_v4']);
      expect(v4).toMatch(/\n198\.18\.0\.2 timeout 1[12]\d\n/);
      expect(v4).toContain('\n198.18.0.0/30 timeout 0\n');
      expect(await lab.inServer(['ipset', 'list', 'ids_ai_tcp'])).toMatch(/\n2222 timeout 1[12]\d\n/);
      expect((await lab.inServer(['iptables', '-w', '-S', 'IDS_AI'])).trim().split('\n')).toHaveLength(5);
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await driver.flush();
    });

    it('accepts overlapping networks (hash:net matches the most specific)', async () => {
      await driver.apply({ blockAddresses: [{ target: parseTarget('198.18.0.0/16') }, { target: parseTarget('198.18.0.2') }] });
      await driver.unblockAddress(parseTarget('198.18.0.0/16'));
      expect(await reach(lab)).toEqual(['timeout', 'open']);
      await driver.flush();
    });
  });

  describe('behaviour', () => behavesLikeAFirewall(ctx));

  describe('teardown', () =>
    tearsDownCleanly(ctx, async () => {
      const rules = [await lab.inServer(['iptables', '-w', '-S']), await lab.inServer(['ip6tables', '-w', '-S'])];
      const sets = await lab.inServer(['ipset', 'list', '-n']);
      return [...rules.join('\n').split('\n').filter((r) => r.includes('IDS_AI')), ...sets.split('\n').filter(Boolean)].join('\n');
    }));
});
