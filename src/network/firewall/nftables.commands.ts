import { ParsedTarget, Protocol } from '../../core/net';
import { FirewallCommand } from './command-runner';
import { FirewallPlan } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { replacesOverlappingNetwork } from './nftables-intervals';
import { FirewallState, PortRef } from './firewall.types';

/**
 * nftables: one table of our own, `inet ids_ai`, changed only through `nft -f -` scripts on standard input,
 * each applied as one atomic transaction. Scripts are built only from plan values (re-validated targets,
 * integer ports and timeouts) and the validated set prefix.
 *
 * Single addresses and networks live in different sets. nftables 1.0.x deletes from an interval set in time
 * proportional to the set size per element (1,000 deletes from a 10,000-element interval set: about 5 s),
 * while a plain set deletes 10,000 in under 0.1 s. Hosts — nearly every block — therefore go to plain sets
 * and only networks to interval sets; as a bonus a host inside a blocked network is no conflict.
 *
 *   nft -f -    add table inet ids_ai
 *               add set inet ids_ai blocked_v4 { type ipv4_addr; flags timeout; }
 *               add set inet ids_ai blocked_v4_nets { type ipv4_addr; flags interval,timeout; }
 *               add set inet ids_ai blocked_v6 { type ipv6_addr; flags timeout; }
 *               add set inet ids_ai blocked_v6_nets { type ipv6_addr; flags interval,timeout; }
 *               add set inet ids_ai blocked_tcp { type inet_service; flags timeout; }
 *               add set inet ids_ai blocked_udp { type inet_service; flags timeout; }
 *               add chain inet ids_ai input { type filter hook input priority -10; policy accept; }
 *               flush chain inet ids_ai input
 *               add rule inet ids_ai input iifname "lo" accept
 *               add rule inet ids_ai input ip saddr @blocked_v4 counter drop
 *               … ip saddr @blocked_v4_nets, ip6 saddr @blocked_v6 / @blocked_v6_nets,
 *                 tcp dport @blocked_tcp, udp dport @blocked_udp; the same chain again for forward
 *   nft -f -    add element inet ids_ai blocked_v4 { 198.18.0.9 }                 (re-add, delete, add with
 *               delete element inet ids_ai blocked_v4 { 198.18.0.9 }              the new timeout: no step can
 *               add element inet ids_ai blocked_v4 { 198.18.0.9 timeout 600s }   fail; see changeCommand)
 *               add element inet ids_ai blocked_v4_nets { 198.18.1.0/24 }
 *   nft -j list table inet ids_ai
 *   nft -f -    flush set inet ids_ai blocked_v4 … (flush) / add table inet ids_ai; delete table … (teardown)
 *
 * `accept` on `lo` only ends our chain: other tables still judge loopback traffic as before. A drop here is
 * final whatever the other tables say.
 */

export const NFT_SETS = {
  v4: 'blocked_v4',
  v4Nets: 'blocked_v4_nets',
  v6: 'blocked_v6',
  v6Nets: 'blocked_v6_nets',
  tcp: 'blocked_tcp',
  udp: 'blocked_udp',
} as const;

type SetName = (typeof NFT_SETS)[keyof typeof NFT_SETS];

/** Set name → its declaration body. */
const SET_TYPES: Record<SetName, string> = {
  [NFT_SETS.v4]: 'type ipv4_addr; flags timeout;',
  [NFT_SETS.v4Nets]: 'type ipv4_addr; flags interval,timeout;',
  [NFT_SETS.v6]: 'type ipv6_addr; flags timeout;',
  [NFT_SETS.v6Nets]: 'type ipv6_addr; flags interval,timeout;',
  [NFT_SETS.tcp]: 'type inet_service; flags timeout;',
  [NFT_SETS.udp]: 'type inet_service; flags timeout;',
};

const HOOKS = ['input', 'forward'] as const;

const script = (lines: string[]): FirewallCommand => ({
  file: 'nft',
  args: ['-f', '-'],
  input: `${lines.join('\n')}\n`,
});

/** The rules of each of our chains, as written and (counter values aside) as `nft list` prints them. */
export const NFT_BASE_RULES: readonly string[] = [
  'iifname "lo" accept',
  `ip saddr @${NFT_SETS.v4} counter drop`,
  `ip saddr @${NFT_SETS.v4Nets} counter drop`,
  `ip6 saddr @${NFT_SETS.v6} counter drop`,
  `ip6 saddr @${NFT_SETS.v6Nets} counter drop`,
  `tcp dport @${NFT_SETS.tcp} counter drop`,
  `udp dport @${NFT_SETS.udp} counter drop`,
];

export const NFT_HOOKS = HOOKS;

/** Text listing of our table: what `ensureBase()` compares with the base before re-installing it. */
export function nftListTextCommand(names: FirewallNames): FirewallCommand {
  return { file: 'nft', args: ['list', 'table', 'inet', names.nftTable] };
}

export function nftBaseCommand(names: FirewallNames): FirewallCommand {
  const t = `inet ${names.nftTable}`;
  const rules = NFT_BASE_RULES;
  return script([
    `add table ${t}`,
    ...Object.entries(SET_TYPES).map(([set, type]) => `add set ${t} ${set} { ${type} }`),
    ...HOOKS.flatMap((hook) => [
      `add chain ${t} ${hook} { type filter hook ${hook} priority -10; policy accept; }`,
      `flush chain ${t} ${hook}`,
      ...rules.map((rule) => `add rule ${t} ${hook} ${rule}`),
    ]),
  ]);
}

export function nftListCommand(names: FirewallNames): FirewallCommand {
  return { file: 'nft', args: ['-j', 'list', 'table', 'inet', names.nftTable] };
}

export const nftListTablesCommand: FirewallCommand = { file: 'nft', args: ['-j', 'list', 'tables'] };

export function nftFlushCommand(names: FirewallNames): FirewallCommand {
  return script(Object.values(NFT_SETS).map((set) => `flush set inet ${names.nftTable} ${set}`));
}

/** `add` first makes the `delete` succeed whether or not the table exists. */
export function nftTeardownCommand(names: FirewallNames): FirewallCommand {
  return script([`add table inet ${names.nftTable}`, `delete table inet ${names.nftTable}`]);
}

interface SetEdits {
  recreate: string[];
  add: string[];
}

const isHost = (t: ParsedTarget): boolean => t.prefix === (t.family === 4 ? 32 : 128);

function addressSet(t: ParsedTarget): SetName {
  if (t.family === 4) return isHost(t) ? NFT_SETS.v4 : NFT_SETS.v4Nets;
  return isHost(t) ? NFT_SETS.v6 : NFT_SETS.v6Nets;
}

const portSet = (proto: Protocol): SetName => (proto === 'tcp' ? NFT_SETS.tcp : NFT_SETS.udp);
const portKey = (p: PortRef): string => `${p.proto}/${p.port}`;
const withTimeout = (element: string, timeoutSec: number | null): string =>
  timeoutSec === null ? element : `${element} timeout ${timeoutSec}s`;

/** Only these need to know what is present: re-adding an absent network could overlap another one. */
const INTERVAL_SETS: ReadonlySet<SetName> = new Set([NFT_SETS.v4Nets, NFT_SETS.v6Nets]);

/** True when applying the plan needs the listed state (it touches an interval set). */
export function nftPlanNeedsState(plan: FirewallPlan): boolean {
  const targets = [...plan.unblockAddresses, ...plan.blockAddresses.map((b) => b.target)];
  return targets.some((t) => INTERVAL_SETS.has(addressSet(t)));
}

function collectEdits(plan: FirewallPlan, present: Set<string>): Map<SetName, SetEdits> {
  const edits = new Map<SetName, SetEdits>(Object.values(NFT_SETS).map((set) => [set, { recreate: [], add: [] }]));
  const touch = (set: SetName, element: string, key: string, timeoutSec: number | null | 'remove'): void => {
    if (!INTERVAL_SETS.has(set) || present.has(key)) edits.get(set)!.recreate.push(element);
    if (timeoutSec !== 'remove') edits.get(set)!.add.push(withTimeout(element, timeoutSec));
  };
  for (const t of plan.unblockAddresses) touch(addressSet(t), t.canonical, t.canonical, 'remove');
  for (const p of plan.unblockPorts) touch(portSet(p.proto), `${p.port}`, portKey(p), 'remove');
  for (const { target: t, timeoutSec } of plan.blockAddresses) {
    touch(addressSet(t), t.canonical, t.canonical, timeoutSec);
  }
  for (const p of plan.blockPorts) touch(portSet(p.proto), `${p.port}`, portKey(p), p.timeoutSec);
  return edits;
}

/**
 * One transaction for the plan. Every element is re-added, deleted, and (for blocks) added again with its new
 * timeout: re-adding first makes the delete succeed whether the element was there, absent or just expired,
 * so plain sets need no listing. In interval sets re-adding an absent network could overlap another one, so
 * there only elements present in `current` (listed just before) are re-created; absent unblocks are skipped.
 * Null when nothing is left to do.
 */
function changeCommand(names: FirewallNames, plan: FirewallPlan, current: FirewallState): FirewallCommand | null {
  const present = new Set([
    ...current.addresses.map((a) => a.target),
    ...current.ports.map(portKey),
  ]);
  const t = `inet ${names.nftTable}`;
  const lines: string[] = [];
  for (const [set, { recreate, add }] of collectEdits(plan, present)) {
    if (recreate.length) lines.push(`add element ${t} ${set} { ${recreate.join(', ')} }`);
    if (recreate.length) lines.push(`delete element ${t} ${set} { ${recreate.join(', ')} }`);
    if (add.length) lines.push(`add element ${t} ${set} { ${add.join(', ')} }`);
  }
  return lines.length ? script(lines) : null;
}

/**
 * The commands applying `plan`: one atomic transaction, except when a network block overlaps a network the
 * plan removes. nft checks new intervals against the set as it was before the script, so such a replacement
 * takes two transactions: removals, then additions.
 */
export function nftChangeCommands(names: FirewallNames, plan: FirewallPlan, current: FirewallState): FirewallCommand[] {
  const commands = replacesOverlappingNetwork(plan, current)
    ? [
        changeCommand(names, { ...plan, blockAddresses: [], blockPorts: [] }, current),
        changeCommand(names, { ...plan, unblockAddresses: [], unblockPorts: [] }, withoutRemoved(current, plan)),
      ]
    : [changeCommand(names, plan, current)];
  return commands.filter((command) => command !== null);
}

function withoutRemoved(current: FirewallState, plan: FirewallPlan): FirewallState {
  const gone = new Set([
    ...plan.unblockAddresses.map((t) => t.canonical),
    ...plan.unblockPorts.map(portKey),
  ]);
  return {
    addresses: current.addresses.filter((a) => !gone.has(a.target)),
    ports: current.ports.filter((p) => !gone.has(portKey(p))),
  };
}
