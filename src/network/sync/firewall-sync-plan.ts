import { CidrIndex, ParsedTarget, Protocol, parseTarget } from '../../core/net';
import { FirewallChanges, FirewallState, MAX_BLOCK_TIMEOUT_SEC, PortBlockRequest } from '../firewall';

export interface DesiredAddress {
  target: ParsedTarget;
  /** Seconds left; null: permanent. */
  timeoutSec: number | null;
}

export interface DesiredPort {
  port: number;
  proto: Protocol;
  timeoutSec: number | null;
}

/** What the firewall must hold: every live action of the database. */
export interface DesiredState {
  addresses: DesiredAddress[];
  ports: DesiredPort[];
}

export interface DriftCounts {
  /** Live in the database, absent from the firewall. */
  missing: number;
  /** In the firewall, not live in the database. */
  unexpected: number;
  /** In both, with a timeout that does not match the block's expiry (extended, or permanent vs timed). */
  timeout: number;
}

/** Which entries differ, by key: the address's canonical text or `<port>/<proto>` (the action's `target`). */
export interface DriftKeys {
  missing: string[];
  unexpected: string[];
  timeout: string[];
}

export interface SyncPlan {
  changes: FirewallChanges;
  /** Every difference the changes remove, whatever its cause (drift, or work not yet applied). */
  drift: DriftCounts;
  keys: DriftKeys;
  /** Entries the firewall holds once the changes are applied. */
  rules: { addresses: number; ports: number };
}

/** Kernel timeouts are whole seconds counting down; a few seconds of difference is not drift. */
function timeoutDrifts(desired: number | null, actual: number | null): boolean {
  if (desired === null || actual === null) return desired !== actual;
  return Math.abs(desired - actual) > Math.max(5, desired * 0.02);
}

const clampTimeout = (t: number | null): number | null => (t === null ? null : Math.min(Math.max(1, Math.ceil(t)), MAX_BLOCK_TIMEOUT_SEC));

/**
 * For firewalls that cannot hold overlapping networks (nftables interval sets): keeps the widest of nested
 * targets. A covered target is installed by a later pass once its cover is gone.
 */
export function collapseNested(addresses: DesiredAddress[]): DesiredAddress[] {
  const index = new CidrIndex();
  const kept: DesiredAddress[] = [];
  for (const entry of [...addresses].sort((a, b) => a.target.prefix - b.target.prefix)) {
    if (index.has(entry.target) || index.findOverlap(entry.target)) continue;
    index.add(entry.target);
    kept.push(entry);
  }
  return kept;
}

function uniqueByTarget(addresses: DesiredAddress[]): DesiredAddress[] {
  return [...new Map(addresses.map((a) => [a.target.canonical, a] as const)).values()];
}

function planAddresses(desired: DesiredAddress[], current: FirewallState, keys: DriftKeys): Pick<FirewallChanges, 'blockAddresses' | 'unblockAddresses'> {
  const held = new Map(current.addresses.map((a) => [a.target, a.expiresInSec] as const));
  const blockAddresses = [];
  for (const { target, timeoutSec } of desired) {
    const timeout = clampTimeout(timeoutSec);
    if (!held.has(target.canonical)) keys.missing.push(target.canonical);
    else if (timeoutDrifts(timeout, held.get(target.canonical) ?? null)) keys.timeout.push(target.canonical);
    else continue;
    blockAddresses.push({ target, timeoutSec: timeout });
  }
  const wanted = new Set(desired.map((d) => d.target.canonical));
  const unblockAddresses = current.addresses.filter((a) => !wanted.has(a.target)).map((a) => parseTarget(a.target));
  keys.unexpected.push(...unblockAddresses.map((t) => t.canonical));
  return { blockAddresses, unblockAddresses };
}

/** The port's key: the `target` a port block action carries. */
export const portKey = (p: { port: number; proto: Protocol }): string => `${p.port}/${p.proto}`;

function planPorts(desired: DesiredPort[], current: FirewallState, keys: DriftKeys): Pick<FirewallChanges, 'blockPorts' | 'unblockPorts'> {
  const held = new Map(current.ports.map((p) => [portKey(p), p.expiresInSec] as const));
  const blockPorts: PortBlockRequest[] = [];
  for (const { port, proto, timeoutSec } of desired) {
    const timeout = clampTimeout(timeoutSec);
    if (!held.has(portKey({ port, proto }))) keys.missing.push(portKey({ port, proto }));
    else if (timeoutDrifts(timeout, held.get(portKey({ port, proto })) ?? null)) keys.timeout.push(portKey({ port, proto }));
    else continue;
    blockPorts.push({ port, proto, timeoutSec: timeout });
  }
  const wanted = new Set(desired.map(portKey));
  const unblockPorts = current.ports.filter((p) => !wanted.has(portKey(p))).map(({ port, proto }) => ({ port, proto }));
  keys.unexpected.push(...unblockPorts.map(portKey));
  return { blockPorts, unblockPorts };
}

/** The one batch of changes that turns `current` into `desired`, and how far apart they were. */
export function planSync(desired: DesiredState, current: FirewallState, options: { allowsOverlappingTargets: boolean }): SyncPlan {
  const addresses = options.allowsOverlappingTargets ? uniqueByTarget(desired.addresses) : collapseNested(desired.addresses);
  const ports = [...new Map(desired.ports.map((p) => [`${p.proto}/${p.port}`, p] as const)).values()];
  const keys: DriftKeys = { missing: [], unexpected: [], timeout: [] };
  const changes = { ...planAddresses(addresses, current, keys), ...planPorts(ports, current, keys) };
  const drift = { missing: keys.missing.length, unexpected: keys.unexpected.length, timeout: keys.timeout.length };
  return { changes, drift, keys, rules: { addresses: addresses.length, ports: ports.length } };
}

export function isEmptyChanges(changes: FirewallChanges): boolean {
  return [changes.blockAddresses, changes.unblockAddresses, changes.blockPorts, changes.unblockPorts].every((list) => !list?.length);
}
