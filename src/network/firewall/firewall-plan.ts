import {
  ParsedTarget,
  isWholeInternet,
  parseBlockPort,
  parseProtocol,
  parseTarget,
  specialPurposeOf,
} from '../../core/net';
import { FirewallRefusal, FirewallRequestError } from './firewall.errors';
import { FirewallChanges, MAX_BLOCK_TIMEOUT_SEC, PortRef } from './firewall.types';

export interface PlannedAddressBlock {
  target: ParsedTarget;
  timeoutSec: number | null;
}

export interface PlannedPortBlock extends PortRef {
  timeoutSec: number | null;
}

/** A batch whose every value has been re-validated here; command builders only ever see plans. */
export interface FirewallPlan {
  blockAddresses: PlannedAddressBlock[];
  unblockAddresses: ParsedTarget[];
  blockPorts: PlannedPortBlock[];
  unblockPorts: PortRef[];
}

/**
 * Re-parses a target from its canonical text. Types alone do not stop a cast or a deserialised object from
 * carrying `1.2.3.4; flush ruleset`, so nothing a caller built is trusted: only the re-parsed value is used.
 */
function revalidateTarget(target: unknown, field: string): ParsedTarget {
  const canonical = (target as { canonical?: unknown } | null)?.canonical;
  if (typeof canonical !== 'string') throw new FirewallRequestError(FirewallRefusal.INVALID_TARGET, field);
  const parsed = parseTarget(canonical, field);
  if (parsed.canonical !== canonical) throw new FirewallRequestError(FirewallRefusal.INVALID_TARGET, field);
  return parsed;
}

/**
 * Whole internet and anything touching loopback would cut the host (and this backend) off; unspecified, multicast
 * and broadcast sources never arrive: never blocked. Forcible special-purpose ranges pass (an admin forced them).
 */
function blockableTarget(target: unknown, field: string): ParsedTarget {
  const parsed = revalidateTarget(target, field);
  if (isWholeInternet(parsed)) throw new FirewallRequestError(FirewallRefusal.WHOLE_INTERNET, field);
  const special = specialPurposeOf(parsed);
  if (special?.reason === FirewallRefusal.TOUCHES_LOOPBACK) throw new FirewallRequestError(FirewallRefusal.TOUCHES_LOOPBACK, field);
  if (special && !special.forcible) throw new FirewallRequestError(FirewallRefusal.SPECIAL_PURPOSE, field);
  return parsed;
}

function validTimeout(timeoutSec: unknown, field: string): number | null {
  if (timeoutSec === undefined || timeoutSec === null) return null;
  if (typeof timeoutSec === 'number' && Number.isInteger(timeoutSec) && timeoutSec >= 1) {
    if (timeoutSec <= MAX_BLOCK_TIMEOUT_SEC) return timeoutSec;
  }
  throw new FirewallRequestError(FirewallRefusal.INVALID_TIMEOUT, field);
}

function validPort(ref: PortRef, field: string): PortRef {
  return { port: parseBlockPort(ref?.port, `${field}.port`), proto: parseProtocol(ref?.proto, `${field}.proto`) };
}

/** Later duplicates win, so a batch may list one key twice without the firewall seeing it twice. */
function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item] as const)).values()];
}

const portKey = (ref: PortRef): string => `${ref.proto}/${ref.port}`;
const targetKey = (target: ParsedTarget): string => target.canonical;

function refuseBlockAndUnblock(blocked: string[], unblocked: string[], field: string): void {
  const unblockedSet = new Set(unblocked);
  if (blocked.some((key) => unblockedSet.has(key))) {
    throw new FirewallRequestError(FirewallRefusal.BLOCK_AND_UNBLOCK, field);
  }
}

/**
 * Validates a batch and returns it in the form command builders accept. Throws `FirewallRequestError` or
 * `NetParseError` (both VALIDATION_FAILED) before any command is built.
 */
export function planChanges(changes: FirewallChanges): FirewallPlan {
  const blockAddresses = lastByKey(
    (changes.blockAddresses ?? []).map((block, i) => ({
      target: blockableTarget(block?.target, `blockAddresses[${i}].target`),
      timeoutSec: validTimeout(block?.timeoutSec, `blockAddresses[${i}].timeoutSec`),
    })),
    (block) => targetKey(block.target),
  );
  const unblockAddresses = lastByKey(
    (changes.unblockAddresses ?? []).map((target, i) => revalidateTarget(target, `unblockAddresses[${i}]`)),
    targetKey,
  );
  const blockPorts = lastByKey(
    (changes.blockPorts ?? []).map((block, i) => ({
      ...validPort(block, `blockPorts[${i}]`),
      timeoutSec: validTimeout(block?.timeoutSec, `blockPorts[${i}].timeoutSec`),
    })),
    portKey,
  );
  const unblockPorts = lastByKey(
    (changes.unblockPorts ?? []).map((ref, i) => validPort(ref, `unblockPorts[${i}]`)),
    portKey,
  );
  refuseBlockAndUnblock(blockAddresses.map((b) => targetKey(b.target)), unblockAddresses.map(targetKey), 'addresses');
  refuseBlockAndUnblock(blockPorts.map(portKey), unblockPorts.map(portKey), 'ports');
  return { blockAddresses, unblockAddresses, blockPorts, unblockPorts };
}

export function isEmptyPlan(plan: FirewallPlan): boolean {
  return (
    plan.blockAddresses.length + plan.unblockAddresses.length + plan.blockPorts.length + plan.unblockPorts.length === 0
  );
}
