import { CidrIndex, ParsedTarget, parseTarget } from '../../core/net';
import { FirewallPlan } from './firewall-plan';
import { FirewallConflictError } from './firewall.errors';
import { FirewallState } from './firewall.types';

/**
 * Interval-set rules of the nftables driver. Networks share one interval set per family, and an interval set
 * cannot hold two overlapping networks (`10.0.0.0/8` and `10.1.0.0/16`). Single addresses live in plain sets,
 * so they never conflict with anything.
 */

const isNetwork = (t: ParsedTarget): boolean => t.prefix < (t.family === 4 ? 32 : 128);

function listedNetworks(current: FirewallState, except: ReadonlySet<string>): ParsedTarget[] {
  return current.addresses
    .filter((a) => !except.has(a.target))
    .map((a) => parseTarget(a.target))
    .filter(isNetwork);
}

/**
 * Throws `FirewallConflictError` naming the first network of the plan that overlaps a different network,
 * either listed now (and not unblocked by the plan) or earlier in the same plan.
 */
export function assertNoIntervalConflict(plan: FirewallPlan, current: FirewallState): void {
  const leaving = new Set(plan.unblockAddresses.map((t) => t.canonical));
  const index = new CidrIndex(listedNetworks(current, leaving));
  for (const { target } of plan.blockAddresses.filter((b) => isNetwork(b.target))) {
    const existing = index.findOverlap(target);
    if (existing) throw new FirewallConflictError(target.canonical, existing.canonical);
    index.add(target);
  }
}

/** True when a network block overlaps a different network the same plan removes (`10.0.0.0/8` → `10.1.0.0/16`). */
export function replacesOverlappingNetwork(plan: FirewallPlan, current: FirewallState): boolean {
  const listed = new Set(current.addresses.map((a) => a.target));
  const removed = new CidrIndex(plan.unblockAddresses.filter((t) => isNetwork(t) && listed.has(t.canonical)));
  if (removed.size === 0) return false;
  return plan.blockAddresses.some(({ target }) => isNetwork(target) && removed.findOverlap(target) !== undefined);
}
