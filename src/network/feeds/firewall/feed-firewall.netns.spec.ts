import { ParsedTarget, parseTarget } from '../../../core/net';
import { ExecFileCommandRunner, FirewallDriver, createFirewallDriver, firewallNames } from '../../firewall';
import { PORT, reach } from '../../../../test/network/utils/firewall-driver.contract';
import { LAB, NetnsLab, describeWithNetns } from '../../../../test/network/utils/netns-lab';
import { FeedFirewall } from './feed-firewall';
import { IpsetFeedFirewall } from './ipset-feed-firewall';
import { NftFeedFirewall } from './nft-feed-firewall';

jest.setTimeout(60_000);

/** 10,000 hosts of 198.19.0.0/16 (benchmarking range, never routed here) and a few networks. */
function bigList(): ParsedTarget[] {
  const out: ParsedTarget[] = [];
  for (let i = 0; out.length < 10_000; i++) out.push(parseTarget(`198.19.${Math.floor(i / 250)}.${(i % 250) + 1}`));
  return out;
}

type Kind = 'iptables' | 'nftables';
const PROBES: Record<Kind, string[][]> = {
  iptables: [['iptables', '-w', '-S'], ['ip6tables', '-w', '-S'], ['ipset', 'list', '-n']],
  nftables: [['nft', 'list', 'ruleset']],
};

for (const kind of ['iptables', 'nftables'] as const) {
  describeWithNetns(`feed firewall sets with ${kind} on a live kernel`, PROBES[kind], () => {
    const lab = new NetnsLab(`feed${kind === 'iptables' ? 'ipt' : 'nft'}`);
    let feeds: FeedFirewall;
    let base: FirewallDriver;

    beforeAll(async () => {
      await lab.up();
      await lab.listen([PORT]);
      const runner = new ExecFileCommandRunner({ netns: lab.server });
      feeds = kind === 'iptables' ? new IpsetFeedFirewall(runner, firewallNames()) : new NftFeedFirewall(runner, firewallNames());
      base = createFirewallDriver({ driver: kind, netns: lab.server });
      await base.ensureBase();
    });
    afterAll(() => lab.down());

    it('holds 10,000 entries as one set per family and drops their traffic; shrinking leaves exactly the rest', async () => {
      const list = [...bigList(), parseTarget(`${LAB.clientA.v4}`), parseTarget('198.19.200.0/24'), parseTarget('198.19.200.7'), parseTarget('2001:2:0:ff::/64')];
      const started = Date.now();
      await feeds.apply([{ key: 'feed1', targets: list }]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await feeds.present()).toEqual(['feed1']);
      const members = await feeds.members('feed1');
      // the nftables interval set leaves out 198.19.200.7, inside 198.19.200.0/24
      expect(members.length).toBe(kind === 'nftables' ? list.length - 1 : list.length);
      expect(members).toContain('198.19.200.0/24');
      expect(members).toContain('2001:2:0:ff::/64');
      expect(await reach(lab)).toEqual(['timeout', 'open']);

      const shrunk = list.filter((t) => t.canonical !== LAB.clientA.v4 && !t.canonical.startsWith('198.19.0.'));
      await feeds.apply([{ key: 'feed1', targets: shrunk }]);
      const after = new Set(await feeds.members('feed1'));
      expect(after.has(LAB.clientA.v4)).toBe(false);
      expect(after.has('198.19.0.1')).toBe(false);
      expect(after.has('198.19.1.1')).toBe(true);
      expect(await reach(lab)).toEqual(['open', 'open']);
    });

    it('apply without targets keeps a set as it is; a feed left out loses its set and rule; the base is untouched', async () => {
      await feeds.apply([{ key: 'feed1', targets: [parseTarget(LAB.clientB.v4)] }, { key: 'feed2', targets: [parseTarget(LAB.clientA.v4)] }]);
      expect(await reach(lab)).toEqual(['timeout', 'timeout']);
      await feeds.apply([{ key: 'feed1' }]);
      expect(await feeds.present()).toEqual(['feed1']);
      expect(await feeds.members('feed1')).toEqual([LAB.clientB.v4]);
      expect(await reach(lab)).toEqual(['open', 'timeout']);
      // the blocks' own base still reports no repair needed: the feed chain/table is separate
      expect(await base.ensureBase()).toEqual({ missingRules: 0, unexpectedRules: 0, missingChains: 0 });
      await feeds.apply([]);
      expect(await feeds.present()).toEqual([]);
      expect(await reach(lab)).toEqual(['open', 'open']);
    });
  });
}
