import { formatIpv4, formatIpv6, isIpv4MappedBytes, maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './ip-bytes';
import { NetParseError, NetParseReason } from './net.errors';

export type IpFamily = 4 | 6;

declare const parsedTargetBrand: unique symbol;

/**
 * An address or network that went through this parser. The brand keeps hand-built object literals out of
 * places that need validated values (firewall drivers re-validate at run time as well).
 *
 * - `address`: the network address in canonical form (RFC 5952 lower-case compressed for IPv6), no prefix.
 * - `prefix`: 0–32 or 0–128; 32 / 128 for a single host.
 * - `canonical`: `address` for a single host (`1.2.3.4`, `2001:db8::1`), `address/prefix` otherwise — the same
 *   spelling `ipset save` and `nft list` print, so firewall state compares as plain strings.
 */
export interface ParsedTarget {
  readonly [parsedTargetBrand]: true;
  readonly family: IpFamily;
  readonly address: string;
  readonly prefix: number;
  readonly canonical: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: NetParseError };

/**
 * Longest legitimate input is `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128` (49 characters); anything
 * longer is rejected before any other work, so a 5,000-character string costs one length comparison.
 */
export const MAX_TARGET_LENGTH = 64;

/** The only characters an address or CIDR can contain. Rejects spaces, `;`, `%`, `-`, non-ASCII digits … */
const TARGET_ALPHABET = /^[0-9A-Fa-f:./]+$/;
const PREFIX_DIGITS = /^(0|[1-9][0-9]{0,2})$/;
const V4_MAPPED_PREFIX = 96;

type PrefixRule = 'forbidden' | 'required' | 'optional';

function screen(input: unknown, field: string): string {
  if (typeof input !== 'string') throw new NetParseError(NetParseReason.NOT_A_STRING, field);
  if (input.length === 0) throw new NetParseError(NetParseReason.EMPTY, field);
  if (input.length > MAX_TARGET_LENGTH) throw new NetParseError(NetParseReason.TOO_LONG, field);
  if (input.startsWith('-')) throw new NetParseError(NetParseReason.LEADING_DASH, field);
  if (input.includes('%')) throw new NetParseError(NetParseReason.ZONE_ID, field);
  if (!TARGET_ALPHABET.test(input)) throw new NetParseError(NetParseReason.INVALID_CHARACTER, field);
  return input;
}

function parsePrefix(text: string, max: number, field: string): number {
  if (!PREFIX_DIGITS.test(text)) throw new NetParseError(NetParseReason.MALFORMED_PREFIX, field);
  const prefix = Number(text);
  if (prefix > max) throw new NetParseError(NetParseReason.PREFIX_OUT_OF_RANGE, field);
  return prefix;
}

function parseAddressBytes(text: string, field: string): number[] {
  if (text.includes(':')) {
    const bytes = parseIpv6Bytes(text);
    if (!bytes) throw new NetParseError(NetParseReason.MALFORMED_IPV6, field);
    return bytes;
  }
  const bytes = parseIpv4Bytes(text);
  if (!bytes) throw new NetParseError(NetParseReason.MALFORMED_IPV4, field);
  return bytes;
}

/** Builds the target from raw bytes: folds IPv4-mapped IPv6 into IPv4 and clears host bits. */
function targetFromBytes(raw: readonly number[], rawPrefix: number): ParsedTarget {
  let bytes = raw;
  let prefix = rawPrefix;
  if (isIpv4MappedBytes(raw) && rawPrefix >= V4_MAPPED_PREFIX) {
    bytes = raw.slice(12);
    prefix = rawPrefix - V4_MAPPED_PREFIX;
  }
  const family: IpFamily = bytes.length === 4 ? 4 : 6;
  const network = maskBytes(bytes, prefix);
  const address = family === 4 ? formatIpv4(network) : formatIpv6(network);
  const canonical = prefix === bytes.length * 8 ? address : `${address}/${prefix}`;
  return Object.freeze({ family, address, prefix, canonical }) as ParsedTarget;
}

function parseWith(input: unknown, rule: PrefixRule, field: string): ParsedTarget {
  const text = screen(input, field);
  const parts = text.split('/');
  if (parts.length > 2) throw new NetParseError(NetParseReason.MALFORMED_PREFIX, field);
  if (parts.length === 2 && rule === 'forbidden') throw new NetParseError(NetParseReason.PREFIX_NOT_ALLOWED, field);
  if (parts.length === 1 && rule === 'required') throw new NetParseError(NetParseReason.PREFIX_REQUIRED, field);
  const bytes = parseAddressBytes(parts[0], field);
  const maxPrefix = bytes.length * 8;
  const prefix = parts.length === 2 ? parsePrefix(parts[1], maxPrefix, field) : maxPrefix;
  return targetFromBytes(bytes, prefix);
}

/**
 * Parses one IPv4 or IPv6 host address (no prefix) into canonical form.
 *
 * Strict on purpose: exactly four decimal octets without leading zeros for IPv4 (no `0x7f.1`, `010.0.0.1`,
 * `127.1`, `2130706433`); ASCII only; no whitespace, zone ids (`fe80::1%eth0`) or leading `-`.
 * `::ffff:a.b.c.d` (IPv4-mapped) is returned as the IPv4 address `a.b.c.d`: such a source never appears on
 * the wire, the IPv4 packet does, so that is what a block must match.
 */
export function parseIp(input: unknown, field = 'address'): ParsedTarget {
  return parseWith(input, 'forbidden', field);
}

/**
 * The 32-bit value of an IPv4 address written exactly as {@link parseIp} returns it (four decimal octets of 0–255
 * without leading zeros), or -1 for any other text: one pass over the characters and no allocation, for the hot
 * paths that receive thousands of addresses in that form. -1 means "parse it", not "invalid".
 */
export function canonicalIpv4Value(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let address = 0;
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || ++octets > 4) return -1;
      address = address * 256 + value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(digits === 1 && value === 0)) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return -1;
    }
  }
  return octets === 4 ? address : -1;
}

/** Whether `parseIp(text).address === text` for an IPv4 address (see {@link canonicalIpv4Value}). */
export function isCanonicalIpv4(text: string): boolean {
  return canonicalIpv4Value(text) >= 0;
}

/**
 * Parses `address/prefix`. Host bits are cleared: `10.1.2.3/8` becomes `10.0.0.0/8` (the firewall matches the
 * network either way; keeping one spelling makes state comparable). An IPv4-mapped network with a prefix of
 * 96 or more becomes the IPv4 network (`::ffff:1.2.3.0/120` → `1.2.3.0/24`); below 96 it stays IPv6.
 */
export function parseCidr(input: unknown, field = 'cidr'): ParsedTarget {
  return parseWith(input, 'required', field);
}

/** A host address or a CIDR, as above. `/0` parses: callers refuse it with `isWholeInternet`. */
export function parseTarget(input: unknown, field = 'target'): ParsedTarget {
  return parseWith(input, 'optional', field);
}

/** `parseTarget` without throwing. Anything other than a `NetParseError` still throws. */
export function tryParseTarget(input: unknown, field = 'target'): ParseResult<ParsedTarget> {
  try {
    return { ok: true, value: parseTarget(input, field) };
  } catch (error) {
    if (error instanceof NetParseError) return { ok: false, error };
    throw error;
  }
}
