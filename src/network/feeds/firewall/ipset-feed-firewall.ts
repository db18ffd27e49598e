import { CommandRunner, FirewallCommand, FirewallNames } from '../../firewall';
import { IPTABLES_FAMILIES, IptablesFamily, parseRules } from '../../firewall/iptables.commands';
import { parseIpsetNames } from '../../firewall/ipset.commands';
import { FeedFirewall, FeedSetRequest, assertFeedKeys, byFamily } from './feed-firewall';

const MAX_ELEMENTS = 1_048_576;
const HOOKS = ['INPUT', 'FORWARD'] as const;

/**
 * iptables + ipset: sets `<prefix>_feed<id>_v4|v6` (hash:net) and, per family, a chain `<PREFIX>_FEEDS` jumped to
 * from INPUT and FORWARD with one DROP rule per set. New content goes into a temporary set swapped in (`ipset
 * swap`) in one `ipset restore`, so the set is never half-filled.
 */
export class IpsetFeedFirewall extends FeedFirewall {
  private readonly chain: string;
  private readonly setPattern: RegExp;

  constructor(
    private readonly runner: CommandRunner,
    private readonly names: FirewallNames,
  ) {
    super();
    this.chain = `${names.chain}_FEEDS`;
    this.setPattern = new RegExp(`^${names.nftTable}_(feed[0-9]+)_v[46]$`);
  }

  private set(key: string, family: 4 | 6): string {
    return `${this.names.nftTable}_${key}_v${family}`;
  }

  async apply(feeds: readonly FeedSetRequest[]): Promise<void> {
    assertFeedKeys(feeds);
    const lines: string[] = [];
    for (const f of feeds) {
      for (const family of [4, 6] as const) {
        const set = this.set(f.key, family);
        const inet = family === 4 ? 'inet' : 'inet6';
        const create = (name: string) => `create ${name} hash:net family ${inet} maxelem ${MAX_ELEMENTS}`;
        lines.push(create(set));
        if (!f.targets) continue;
        const tmp = `${this.names.nftTable}_${f.key}_t${family}`;
        lines.push(create(tmp), `flush ${tmp}`, ...byFamily(f.targets, family).map((t) => `add ${tmp} ${t.canonical}`));
        lines.push(`swap ${tmp} ${set}`, `destroy ${tmp}`);
      }
    }
    if (lines.length) await this.restore(lines);
    for (const tool of IPTABLES_FAMILIES) await this.ensureChain(tool, feeds);
    const wanted = new Set(feeds.map((f) => f.key));
    const stale = (await this.ourSets()).filter(({ key }) => !wanted.has(key)).map(({ set }) => `destroy ${set}`);
    if (stale.length) await this.restore(stale);
  }

  async members(key: string): Promise<string[]> {
    const out: string[] = [];
    for (const family of [4, 6] as const) {
      const listed = await this.runner.run({ file: 'ipset', args: ['list', this.set(key, family)] }).catch(() => null);
      if (!listed) continue;
      const body = listed.stdout.split('Members:\n')[1] ?? '';
      out.push(...body.split('\n').map((l) => l.trim()).filter(Boolean).map((m) => m.replace(/\/(32|128)$/, '')));
    }
    return out;
  }

  async present(): Promise<string[]> {
    return [...new Set((await this.ourSets()).map((s) => s.key))];
  }

  private async ourSets(): Promise<{ set: string; key: string }[]> {
    const names = parseIpsetNames((await this.runner.run({ file: 'ipset', args: ['list', '-n'] })).stdout);
    return names.flatMap((set) => {
      const m = this.setPattern.exec(set);
      return m ? [{ set, key: m[1] }] : [];
    });
  }

  private restore(lines: string[]): Promise<unknown> {
    return this.runner.run({ file: 'ipset', args: ['restore', '-exist'], input: `${lines.join('\n')}\n` });
  }

  /** Rewrites the chain only when its rules or a jump differ (a rewrite resets its counters). */
  private async ensureChain(tool: IptablesFamily, feeds: readonly FeedSetRequest[]): Promise<void> {
    const rules = parseRules((await this.runner.run({ file: tool.list, args: ['-w', '-S'] })).stdout);
    const expected = [
      `-A ${this.chain} -i lo -j RETURN`,
      ...feeds.map((f) => `-A ${this.chain} -m set --match-set ${this.set(f.key, tool.family)} src -j DROP`),
    ];
    const ours = rules.filter((r) => r.startsWith(`-A ${this.chain} `));
    const missingJumps = HOOKS.filter((hook) => !rules.includes(`-A ${hook} -j ${this.chain}`));
    const intact = rules.includes(`-N ${this.chain}`) && ours.join('\n') === expected.join('\n');
    if (intact && missingJumps.length === 0) return;
    const command: FirewallCommand = {
      file: tool.restore,
      args: ['-w', '--noflush'],
      input: [
        '*filter',
        `:${this.chain} - [0:0]`,
        ...expected,
        ...missingJumps.map((h) => `-I ${h} 1 -j ${this.chain}`),
        'COMMIT',
        '',
      ].join('\n'),
    };
    await this.runner.run(command);
  }
}
