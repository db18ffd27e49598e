import type { BaseRepairs } from '../firewall';
import { NetworkActionStatus } from '../network-action.entity';
import type { LiveAction } from '../network-actions.repository';
import type { DriftKeys } from './firewall-sync-plan';

/** What was out of place: an entry of our sets, a rule of our chains, or a container (chain, table, set, jump). */
export type DriftKind = 'set_member' | 'rule' | 'chain';
export type DriftChange = 'missing' | 'unexpected' | 'timeout';
/** Who repaired it: the periodic reconciler, or the sync of a firewall job. */
export type RepairedBy = 'reconciler' | 'job';

export interface DriftRepair {
  kind: DriftKind;
  change: DriftChange;
  count: number;
}

/** Every series of `ids_firewall_drift_total`, exported at 0 from the start. */
export const DRIFT_SERIES: readonly Omit<DriftRepair, 'count'>[] = [
  { kind: 'set_member', change: 'missing' },
  { kind: 'set_member', change: 'unexpected' },
  { kind: 'set_member', change: 'timeout' },
  { kind: 'rule', change: 'missing' },
  { kind: 'rule', change: 'unexpected' },
  { kind: 'chain', change: 'missing' },
];

/** A kernel timeout may lapse a moment before the database expiry: such an entry was not lost. */
const LAPSING_SEC = 5;

/**
 * The differences of a sync that are drift — the firewall lost or gained something behind our back — rather
 * than work not yet applied: a missing entry of an active (already applied) block whose kernel timeout was not
 * about to lapse; a timeout that differs for an active block not changed since it was applied (an extension is
 * work); an entry no live block wants and no block ended within the grace period (removals are work).
 */
export function memberDrift(keys: DriftKeys, live: readonly LiveAction[], recentlyEnded: ReadonlySet<string>): DriftRepair[] {
  const byTarget = new Map(live.map((l) => [l.action.target, l] as const));
  const applied = (key: string): LiveAction | null => {
    const l = byTarget.get(key);
    return l && l.action.status === NetworkActionStatus.ACTIVE ? l : null;
  };
  const missing = keys.missing.filter((key) => {
    const l = applied(key);
    return l !== null && (l.remainingSec === null || l.remainingSec > LAPSING_SEC);
  });
  const timeout = keys.timeout.filter((key) => {
    const a = applied(key)?.action;
    return a !== undefined && a.appliedAt !== null && a.updatedAt.getTime() <= a.appliedAt.getTime();
  });
  const unexpected = keys.unexpected.filter((key) => !recentlyEnded.has(key));
  return [
    { kind: 'set_member', change: 'missing', count: missing.length },
    { kind: 'set_member', change: 'unexpected', count: unexpected.length },
    { kind: 'set_member', change: 'timeout', count: timeout.length },
  ];
}

export function baseDrift(repairs: BaseRepairs): DriftRepair[] {
  return [
    { kind: 'rule', change: 'missing', count: repairs.missingRules },
    { kind: 'rule', change: 'unexpected', count: repairs.unexpectedRules },
    { kind: 'chain', change: 'missing', count: repairs.missingChains },
  ];
}

export const driftTotal = (repairs: readonly DriftRepair[]): number => repairs.reduce((n, r) => n + r.count, 0);

/** `2 set_member missing, 1 rule missing`, for logs. */
export const describeDrift = (repairs: readonly DriftRepair[]): string =>
  repairs.filter((r) => r.count > 0).map((r) => `${r.count} ${r.kind} ${r.change}`).join(', ');
