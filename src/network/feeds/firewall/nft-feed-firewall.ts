import { CommandRunner, FirewallCommandError, FirewallNames } from '../../firewall';
import { FeedFirewall, FeedSetRequest, assertFeedKeys, byFamily, collapseNested } from './feed-firewall';

const HOOKS = ['input', 'forward'] as const;
const TYPES = { 4: 'ipv4_addr', 6: 'ipv6_addr' } as const;
const MATCH = { 4: 'ip saddr', 6: 'ip6 saddr' } as const;

/**
 * nftables: table `inet <prefix>_feeds` with, per feed, interval sets `feed<id>_v4|v6` and one drop rule each in
 * its input and forward chains. One `nft -f -` transaction creates the sets, replaces the content of those that
 * changed (flush + add: the set is never seen half-filled), rewrites the chains and deletes the sets of feeds gone.
 * Entries inside another entry are left out: an interval set refuses overlaps.
 */
export class NftFeedFirewall extends FeedFirewall {
  private readonly table: string;

  constructor(
    private readonly runner: CommandRunner,
    names: FirewallNames,
  ) {
    super();
    this.table = `inet ${names.nftTable}_feeds`;
  }

  async apply(feeds: readonly FeedSetRequest[]): Promise<void> {
    assertFeedKeys(feeds);
    const t = this.table;
    const wanted = new Set(feeds.map((f) => f.key));
    const stale = (await this.listSets()).filter((s) => !wanted.has(s.replace(/_v[46]$/, '')));
    const lines = [`add table ${t}`];
    for (const f of feeds) {
      const targets = f.targets ? collapseNested(f.targets) : null;
      for (const family of [4, 6] as const) {
        const set = `${f.key}_v${family}`;
        lines.push(`add set ${t} ${set} { type ${TYPES[family]}; flags interval; }`);
        if (!targets) continue;
        lines.push(`flush set ${t} ${set}`);
        const elements = byFamily(targets, family).map((x) => x.canonical);
        if (elements.length) lines.push(`add element ${t} ${set} { ${elements.join(', ')} }`);
      }
    }
    for (const hook of HOOKS) {
      lines.push(`add chain ${t} ${hook} { type filter hook ${hook} priority -10; policy accept; }`);
      lines.push(`flush chain ${t} ${hook}`);
      lines.push(`add rule ${t} ${hook} iifname "lo" accept`);
      for (const f of feeds) {
        for (const family of [4, 6] as const) lines.push(`add rule ${t} ${hook} ${MATCH[family]} @${f.key}_v${family} counter drop`);
      }
    }
    lines.push(...stale.map((s) => `delete set ${t} ${s}`));
    await this.runner.run({ file: 'nft', args: ['-f', '-'], input: `${lines.join('\n')}\n` });
  }

  async members(key: string): Promise<string[]> {
    const out: string[] = [];
    for (const family of [4, 6] as const) {
      const args = ['-j', 'list', 'set', ...this.table.split(' '), `${key}_v${family}`];
      const listed = await this.runner.run({ file: 'nft', args }).catch(() => null);
      if (!listed) continue;
      const json = JSON.parse(listed.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
      const elems = json.nftables.find((o) => o.set)?.set?.elem ?? [];
      for (const e of elems) out.push(elementText(e));
    }
    return out;
  }

  async present(): Promise<string[]> {
    return [...new Set((await this.listSets()).map((s) => s.replace(/_v[46]$/, '')))];
  }

  /** Our feed sets in the table; none when the table does not exist yet. */
  private async listSets(): Promise<string[]> {
    try {
      const { stdout } = await this.runner.run({ file: 'nft', args: ['list', 'table', ...this.table.split(' ')] });
      return [...stdout.matchAll(/^\s*set (feed[0-9]+_v[46]) \{/gm)].map((m) => m[1]);
    } catch (error) {
      if (error instanceof FirewallCommandError) return [];
      throw error;
    }
  }
}

/** `"198.18.0.9"`, `{"prefix": {"addr": "198.18.4.0", "len": 24}}` or a range → canonical text. */
function elementText(e: unknown): string {
  if (typeof e === 'string') return e;
  const o = e as { prefix?: { addr: string; len: number }; range?: [string, string]; elem?: { val: unknown } };
  if (o.prefix) return `${o.prefix.addr}/${o.prefix.len}`;
  if (o.range) return `${o.range[0]}-${o.range[1]}`;
  if (o.elem) return elementText(o.elem.val);
  return JSON.stringify(e);
}
