import { FirewallCommand } from './command-runner';
import { FirewallNames } from './firewall-names';
import { BaseRepairs, compareLines } from './firewall.types';

/**
 * iptables side of the iptables driver: per family one chain of our own in the filter table, jumped to from
 * the top of INPUT and FORWARD, with one rule per set — 10,000 blocked networks still cost one rule.
 *
 *   iptables -w -S                                (which jumps exist already)
 *   iptables-restore -w --noflush                 *filter
 *                                                 :IDS_AI - [0:0]            (creates or empties the chain)
 *                                                 -A IDS_AI -i lo -j RETURN
 *                                                 -A IDS_AI -m set --match-set ids_ai_v4 src -j DROP
 *                                                 -A IDS_AI -p tcp -m set --match-set ids_ai_tcp dst -j DROP
 *                                                 -A IDS_AI -p udp -m set --match-set ids_ai_udp dst -j DROP
 *                                                 -I INPUT 1 -j IDS_AI       (only when missing)
 *                                                 -I FORWARD 1 -j IDS_AI     (only when missing)
 *                                                 COMMIT
 *   ip6tables / ip6tables-restore                 the same with ids_ai_v6
 *
 * `-i lo -j RETURN` hands loopback traffic back to INPUT untouched rather than accepting it.
 */

export type HookChain = 'INPUT' | 'FORWARD';
export const HOOK_CHAINS: readonly HookChain[] = ['INPUT', 'FORWARD'];

export interface IptablesFamily {
  family: 4 | 6;
  list: string;
  restore: string;
}

export const IPTABLES_FAMILIES: readonly IptablesFamily[] = [
  { family: 4, list: 'iptables', restore: 'iptables-restore' },
  { family: 6, list: 'ip6tables', restore: 'ip6tables-restore' },
];

export function listRulesCommand(tool: IptablesFamily): FirewallCommand {
  return { file: tool.list, args: ['-w', '-S'] };
}

function restoreNoFlush(tool: IptablesFamily, lines: string[]): FirewallCommand {
  return { file: tool.restore, args: ['-w', '--noflush'], input: ['*filter', ...lines, 'COMMIT', ''].join('\n') };
}

const jumpRule = (hook: HookChain, chain: string): string => `-A ${hook} -j ${chain}`;

/** The rules `iptables -S` prints, trimmed. */
export function parseRules(output: string): string[] {
  return output.split('\n').map((line) => line.trim()).filter(Boolean);
}

export function missingJumps(rules: readonly string[], names: FirewallNames): HookChain[] {
  return HOOK_CHAINS.filter((hook) => !rules.includes(jumpRule(hook, names.chain)));
}

/** The rules of our chain, exactly as `iptables -S` prints them back. */
export function chainRules(tool: IptablesFamily, names: FirewallNames): string[] {
  const addressSet = tool.family === 4 ? names.ipsetV4 : names.ipsetV6;
  return [
    `-A ${names.chain} -i lo -j RETURN`,
    `-A ${names.chain} -m set --match-set ${addressSet} src -j DROP`,
    `-A ${names.chain} -p tcp -m set --match-set ${names.ipsetTcp} dst -j DROP`,
    `-A ${names.chain} -p udp -m set --match-set ${names.ipsetUdp} dst -j DROP`,
  ];
}

export function chainBaseCommand(tool: IptablesFamily, names: FirewallNames, missing: HookChain[]): FirewallCommand {
  return restoreNoFlush(tool, [
    `:${names.chain} - [0:0]`,
    ...chainRules(tool, names),
    ...missing.map((hook) => `-I ${hook} 1 -j ${names.chain}`),
  ]);
}

/**
 * What of our chain and its jumps is missing from, or was added by hand to, `rules` (`iptables -S` output);
 * `intact` when the chain holds exactly our rules in our order and both jumps exist (nothing to re-install).
 */
export function chainDrift(tool: IptablesFamily, names: FirewallNames, rules: readonly string[]): BaseRepairs & { intact: boolean } {
  const ours = rules.filter((rule) => rule.startsWith(`-A ${names.chain} `));
  const expected = chainRules(tool, names);
  const { missing, unexpected } = compareLines(expected, ours);
  const chainMissing = rules.includes(`-N ${names.chain}`) ? 0 : 1;
  const missingChains = chainMissing + missingJumps(rules, names).length;
  const intact = missingChains === 0 && ours.join('\n') === expected.join('\n');
  return { missingRules: missing, unexpectedRules: unexpected, missingChains, intact };
}

/** Our chain or a jump to it, as found in `rules`: what the other driver reports and removes at a switch. */
export function chainParts(tool: IptablesFamily, names: FirewallNames, rules: readonly string[]): string[] {
  const parts = rules.includes(`-N ${names.chain}`) ? [`${tool.list} chain ${names.chain}`] : [];
  for (const hook of HOOK_CHAINS) if (rules.includes(jumpRule(hook, names.chain))) parts.push(`${tool.list} jump ${hook} -> ${names.chain}`);
  return parts;
}

/** Removes every jump to our chain, then the chain; null when there is nothing of ours. */
export function chainTeardownCommand(
  tool: IptablesFamily,
  names: FirewallNames,
  rules: readonly string[],
): FirewallCommand | null {
  const jumps = HOOK_CHAINS.flatMap((hook) =>
    rules.filter((rule) => rule === jumpRule(hook, names.chain)).map(() => `-D ${hook} -j ${names.chain}`),
  );
  const chainExists = rules.includes(`-N ${names.chain}`);
  if (!chainExists && jumps.length === 0) return null;
  return restoreNoFlush(tool, [...jumps, ...(chainExists ? [`-F ${names.chain}`, `-X ${names.chain}`] : [])]);
}
