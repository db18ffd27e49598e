import { formatIpv4, maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './ip-bytes';
import { cidrContains, overlaps } from './ip-ranges';
import { ParsedTarget, parseCidr } from './ip-target';

/** What a special-purpose range is for; also the reason code a refusal names (`embedded_<purpose>` when embedded). */
export enum SpecialPurpose {
  UNSPECIFIED = 'unspecified',
  /** Kept as `touches_loopback`, the code clients already match on. */
  LOOPBACK = 'touches_loopback',
  MULTICAST = 'multicast',
  BROADCAST = 'broadcast',
  LINK_LOCAL = 'link_local',
  RESERVED = 'reserved',
}

export interface SpecialRange {
  cidr: ParsedTarget;
  purpose: SpecialPurpose;
  /** Registry name and RFC, for messages and docs. */
  name: string;
  /** An admin may block it with `force: true`; otherwise never. */
  forcible: boolean;
}

const range = (cidr: string, purpose: SpecialPurpose, name: string, forcible: boolean): SpecialRange =>
  Object.freeze({ cidr: parseCidr(cidr), purpose, name, forcible });

/**
 * The entries of the IANA IPv4 and IPv6 special-purpose address registries that a block must not (or, for the
 * forcible ones, should not by mistake) target: unroutable, loopback-equivalent, multicast and broadcast. Private,
 * shared (CGN), benchmarking and documentation ranges are absent on purpose: traffic from them reaches a host, or
 * a block of them cannot cut anything off. Never-ranges come first: a target overlapping one is never blocked.
 */
export const SPECIAL_RANGES: readonly SpecialRange[] = [
  range('127.0.0.0/8', SpecialPurpose.LOOPBACK, 'loopback (RFC 1122)', false),
  range('0.0.0.0/8', SpecialPurpose.UNSPECIFIED, '"this network" (RFC 791)', false),
  range('224.0.0.0/4', SpecialPurpose.MULTICAST, 'multicast (RFC 5771)', false),
  range('255.255.255.255/32', SpecialPurpose.BROADCAST, 'limited broadcast (RFC 919)', false),
  range('::1/128', SpecialPurpose.LOOPBACK, 'loopback (RFC 4291)', false),
  range('::/128', SpecialPurpose.UNSPECIFIED, 'unspecified address (RFC 4291)', false),
  range('ff00::/8', SpecialPurpose.MULTICAST, 'multicast (RFC 4291)', false),
  range('169.254.0.0/16', SpecialPurpose.LINK_LOCAL, 'link-local, cloud metadata 169.254.169.254 included (RFC 3927)', true),
  range('240.0.0.0/4', SpecialPurpose.RESERVED, 'reserved for future use (RFC 1112)', true),
  range('fe80::/10', SpecialPurpose.LINK_LOCAL, 'link-local unicast (RFC 4291)', true),
];

/** An IPv6 form carrying an IPv4 address: which bits of the IPv6 address hold it. */
export interface Ipv4Embedding {
  prefix: ParsedTarget;
  name: string;
  /** IPv6 bit index of each of the 32 IPv4 bits, most significant first. */
  bits: readonly number[];
  /** Teredo stores the client address inverted. */
  inverted: boolean;
  /** Targets inside this prefix are read by another entry instead. */
  except?: ParsedTarget;
}

const run = (from: number): number[] => Array.from({ length: 32 }, (_, i) => from + i);
/** RFC 6052 §2.2: the IPv4 bits follow the prefix, skipping bits 64–71 (the `u` octet). */
const rfc6052 = (prefixLength: number): number[] => {
  const bits: number[] = [];
  for (let bit = prefixLength; bits.length < 32; bit++) if (bit < 64 || bit > 71) bits.push(bit);
  return bits;
};

const embedding = (prefix: string, name: string, bits: number[], inverted = false, except?: string): Ipv4Embedding =>
  Object.freeze({ prefix: parseCidr(prefix), name, bits, inverted, except: except ? parseCidr(except) : undefined });

/** IPv4-mapped `::ffff:0:0/96` is not here: the parser folds it into IPv4 before anything sees it. */
export const IPV4_EMBEDDINGS: readonly Ipv4Embedding[] = [
  embedding('::/96', 'IPv4-compatible (RFC 4291)', run(96)),
  embedding('64:ff9b::/96', 'NAT64 (RFC 6052)', rfc6052(96)),
  embedding('64:ff9b:1::/96', 'local-use NAT64 (RFC 8215)', rfc6052(96)),
  embedding('64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)', rfc6052(48), false, '64:ff9b:1::/96'),
  embedding('2002::/16', '6to4 (RFC 3056)', run(16)),
  embedding('2001::/32', 'Teredo server (RFC 4380)', run(32)),
  embedding('2001::/32', 'Teredo client (RFC 4380)', run(96), true),
];

export interface SpecialPurposeHit {
  /** Reason code of the refusal: the purpose, `embedded_<purpose>`, or `embeds_special_purpose`. */
  reason: string;
  /** The special range (IPv4 for embedded forms). */
  range: string;
  forcible: boolean;
  /** Why, in words: `64:ff9b::7f00:1 is the NAT64 (RFC 6052) form of 127.0.0.1, loopback (RFC 1122)`. */
  explanation: string;
}

function bytesOf(target: ParsedTarget): number[] {
  const bytes = target.family === 4 ? parseIpv4Bytes(target.address) : parseIpv6Bytes(target.address);
  if (!bytes) throw new Error('ParsedTarget with an unparseable address: build targets with parseTarget');
  return bytes;
}

/** The IPv4 addresses `target` (inside `e.prefix`) embeds: the bits its prefix fixes form an IPv4 network. */
function embeddedNetwork(target: ParsedTarget, e: Ipv4Embedding): ParsedTarget {
  if (cidrContains(target, e.prefix)) return parseCidr('0.0.0.0/0');
  const v6 = bytesOf(target);
  const v4 = [0, 0, 0, 0];
  e.bits.forEach((bit, i) => {
    const set = (v6[bit >> 3] >> (7 - (bit & 7))) & 1;
    if (set) v4[i >> 3] |= 1 << (7 - (i & 7));
  });
  const fixed = e.bits.filter((bit) => bit < target.prefix).length;
  const bytes = maskBytes(e.inverted ? v4.map((b) => b ^ 0xff) : v4, fixed);
  return parseCidr(`${formatIpv4(bytes)}/${fixed}`);
}

const severity = (hit: SpecialPurposeHit): number => (hit.forcible ? 1 : 2);

function directHit(target: ParsedTarget): SpecialPurposeHit | null {
  const r = SPECIAL_RANGES.find((s) => overlaps(s.cidr, target));
  if (!r) return null;
  const how = cidrContains(r.cidr, target) ? 'is in' : 'overlaps';
  return { reason: r.purpose, range: r.cidr.canonical, forcible: r.forcible, explanation: `${target.canonical} ${how} ${r.cidr.canonical}, ${r.name}` };
}

function embeddedHits(target: ParsedTarget): SpecialPurposeHit[] {
  const hits: SpecialPurposeHit[] = [];
  for (const e of IPV4_EMBEDDINGS) {
    if (!overlaps(e.prefix, target) || (e.except && cidrContains(e.except, target))) continue;
    const v4 = embeddedNetwork(target, e);
    for (const r of SPECIAL_RANGES.filter((s) => s.cidr.family === 4 && overlaps(s.cidr, v4))) {
      const inside = cidrContains(r.cidr, v4);
      hits.push({
        reason: inside ? `embedded_${r.purpose === SpecialPurpose.LOOPBACK ? 'loopback' : r.purpose}` : 'embeds_special_purpose',
        range: r.cidr.canonical,
        // a network that merely may embed such an address (all of 6to4, say) is a deliberate block of a tunnel
        forcible: inside ? r.forcible : true,
        explanation: inside
          ? `${target.canonical} is the ${e.name} form of ${v4.canonical}, ${r.name}`
          : `${target.canonical} includes ${e.name} forms of ${r.cidr.canonical}, ${r.name}`,
      });
    }
  }
  return hits;
}

/**
 * The most severe reason not to block `target`, or null: a never-range beats a forcible one. Direct overlap with
 * a range counts; an IPv6 target is also read through every IPv4 embedding it falls in (both Teredo fields).
 */
export function specialPurposeOf(target: ParsedTarget): SpecialPurposeHit | null {
  const hits = [directHit(target), ...(target.family === 6 ? embeddedHits(target) : [])].filter((h) => h !== null);
  return hits.reduce<SpecialPurposeHit | null>((worst, hit) => (!worst || severity(hit) > severity(worst) ? hit : worst), null);
}
