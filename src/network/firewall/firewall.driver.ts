import type { ParsedTarget, Protocol } from '../../core/net';
import { FirewallPlan, isEmptyPlan, planChanges } from './firewall-plan';
import { BaseRepairs, FirewallChanges, FirewallDriverName, FirewallState } from './firewall.types';

/**
 * The firewall as the reconciler sees it; also the Nest injection token. The reconciler makes the firewall
 * match the database: `ensureBase()`, then `list()`, compute the drift, then one `apply()` with the difference.
 *
 * Contract shared by every driver:
 * - `ensureBase()` installs our own sets and chains (or table) and the jumps into INPUT and FORWARD. It is
 *   idempotent and cheap: call it at the start of every reconcile pass, so a flushed host firewall heals. It
 *   returns what it found missing or added by hand, for the drift metric.
 * - `apply()` validates the whole batch first (whole internet, anything touching loopback, bad timeouts, a
 *   target both blocked and unblocked: refused before any command runs), then changes the firewall with one
 *   command per tool. Blocking a blocked entry replaces its timeout; unblocking an absent entry does nothing.
 * - Traffic arriving on `lo` is never dropped, so a port block cannot cut this backend off from its own API,
 *   database or Redis.
 * - When `allowsOverlappingTargets` is false (nftables interval sets), blocking a network that overlaps a
 *   different network throws `FirewallConflictError` (an address inside a network is fine): collapse networks
 *   with `CidrIndex` / `cidrContains` before applying.
 * - `list()` returns what the kernel holds now, expired entries already gone; `flush()` empties every set
 *   (the base stays); `teardown()` removes everything this driver ever installed.
 */
export abstract class FirewallDriver {
  abstract readonly name: FirewallDriverName;
  abstract readonly allowsOverlappingTargets: boolean;

  /** Installs the base and reports what of it was missing or added by hand just before. */
  abstract ensureBase(): Promise<BaseRepairs>;
  /**
   * What of this driver's own base (by name) the kernel holds now, as readable names; none when its tools are
   * not installed. Used when FIREWALL_DRIVER switched: the new driver looks for the other one's leftovers.
   */
  abstract installedParts(): Promise<string[]>;
  abstract list(): Promise<FirewallState>;
  abstract flush(): Promise<void>;
  abstract teardown(): Promise<void>;
  /** Receives a validated, non-empty plan. */
  protected abstract applyPlan(plan: FirewallPlan): Promise<void>;

  async apply(changes: FirewallChanges): Promise<void> {
    const plan = planChanges(changes);
    if (!isEmptyPlan(plan)) await this.applyPlan(plan);
  }

  blockAddress(target: ParsedTarget, timeoutSec?: number | null): Promise<void> {
    return this.apply({ blockAddresses: [{ target, timeoutSec }] });
  }

  unblockAddress(target: ParsedTarget): Promise<void> {
    return this.apply({ unblockAddresses: [target] });
  }

  blockPort(port: number, proto: Protocol, timeoutSec?: number | null): Promise<void> {
    return this.apply({ blockPorts: [{ port, proto, timeoutSec }] });
  }

  unblockPort(port: number, proto: Protocol): Promise<void> {
    return this.apply({ unblockPorts: [{ port, proto }] });
  }
}
