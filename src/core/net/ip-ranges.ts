import { maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './ip-bytes';
import { ParsedTarget, parseCidr } from './ip-target';

export const LOOPBACK_V4: ParsedTarget = parseCidr('127.0.0.0/8');
export const LOOPBACK_V6: ParsedTarget = parseCidr('::1/128');

function networkBytes(target: ParsedTarget): number[] {
  const bytes = target.family === 4 ? parseIpv4Bytes(target.address) : parseIpv6Bytes(target.address);
  if (!bytes) throw new Error('ParsedTarget with an unparseable address: build targets with parseTarget');
  return bytes;
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** True when every address of `inner` is inside `outer` (a network contains itself). */
export function cidrContains(outer: ParsedTarget, inner: ParsedTarget): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return sameBytes(networkBytes(outer), maskBytes(networkBytes(inner), outer.prefix));
}

/** True when the two share at least one address. Two CIDRs either nest or are disjoint. */
export function overlaps(a: ParsedTarget, b: ParsedTarget): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** True when the whole target lies in 127.0.0.0/8 or is ::1. */
export function isLoopback(target: ParsedTarget): boolean {
  return cidrContains(LOOPBACK_V4, target) || cidrContains(LOOPBACK_V6, target);
}

/** True when the target shares any address with loopback (e.g. `0.0.0.0/1` does). */
export function touchesLoopback(target: ParsedTarget): boolean {
  return overlaps(LOOPBACK_V4, target) || overlaps(LOOPBACK_V6, target);
}

/**
 * True for `0.0.0.0/0` and `::/0` (including `::ffff:0:0/96`, which parses to `0.0.0.0/0`). Blocking these
 * cuts the host off: callers must refuse them, and the firewall drivers refuse them again.
 */
export function isWholeInternet(target: ParsedTarget): boolean {
  return target.prefix === 0;
}
