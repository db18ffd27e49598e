import type { IpFamily, ParsedTarget, Protocol } from '../../core/net';

export type FirewallDriverName = 'iptables' | 'nftables' | 'dry-run';

/** Longest per-entry timeout ipset accepts (2^32 / 1000 seconds, about 24 days); nftables gets the same bound. */
export const MAX_BLOCK_TIMEOUT_SEC = 2_147_483;

export interface PortRef {
  port: number;
  proto: Protocol;
}

export interface AddressBlockRequest {
  target: ParsedTarget;
  /** Seconds until the firewall drops the entry by itself; omitted or null: until unblocked. */
  timeoutSec?: number | null;
}

export interface PortBlockRequest extends PortRef {
  timeoutSec?: number | null;
}

/** One batch of changes, applied with one command per tool (one `nft -f -` transaction for nftables). */
export interface FirewallChanges {
  blockAddresses?: readonly AddressBlockRequest[];
  unblockAddresses?: readonly ParsedTarget[];
  blockPorts?: readonly PortBlockRequest[];
  unblockPorts?: readonly PortRef[];
}

/** An entry as the firewall holds it now. `expiresInSec` is null for an entry without timeout. */
export interface BlockedAddress {
  /** `ParsedTarget.canonical` spelling: `1.2.3.4`, `10.0.0.0/8`, `2001:db8::/32`. */
  target: string;
  family: IpFamily;
  expiresInSec: number | null;
}

export interface BlockedPort extends PortRef {
  expiresInSec: number | null;
}

/** What the firewall blocks right now, sorted (addresses by family then text, ports by protocol then number). */
export interface FirewallState {
  addresses: BlockedAddress[];
  ports: BlockedPort[];
}

/**
 * What `ensureBase()` found out of place in our own rule set before it re-installed it: rules of our chains
 * missing or added by hand, and missing containers (our chain, table, set, or a jump from INPUT / FORWARD).
 */
export interface BaseRepairs {
  missingRules: number;
  unexpectedRules: number;
  missingChains: number;
}

export const noBaseRepairs = (): BaseRepairs => ({ missingRules: 0, unexpectedRules: 0, missingChains: 0 });

/** Counts how many of `expected` are absent from `actual` and how many of `actual` are not expected (multisets). */
export function compareLines(expected: readonly string[], actual: readonly string[]): { missing: number; unexpected: number } {
  const left = [...actual];
  let missing = 0;
  for (const line of expected) {
    const i = left.indexOf(line);
    if (i < 0) missing++;
    else left.splice(i, 1);
  }
  return { missing, unexpected: left.length };
}
