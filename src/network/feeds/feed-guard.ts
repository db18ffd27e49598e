import {
  CidrIndex,
  ParsedTarget,
  SPECIAL_RANGES,
  canonicalIpv4Value,
  isWholeInternet,
  specialPurposeOf,
} from '../../core/net';

/** Why an entry of a feed is not enforced. */
export type RefusalReason = 'whole_internet' | 'special_purpose' | 'own_address' | 'management_network' | 'allowlisted';

export interface ProtectedNetworks {
  /** This server's addresses. */
  own: readonly ParsedTarget[];
  /** FIREWALL_MANAGEMENT_CIDRS. */
  management: readonly ParsedTarget[];
  /** Active allowlist entries. */
  allowlist: readonly ParsedTarget[];
}

export interface GuardResult {
  accepted: ParsedTarget[];
  refused: Partial<Record<RefusalReason, number>>;
  refusedTotal: number;
  /** The first few refused entries with their reason, for the feed's status. */
  refusedSamples: string[];
}

const MAX_SAMPLES = 5;

const hits = (index: CidrIndex, t: ParsedTarget): boolean => index.has(t) || index.findOverlap(t) !== undefined;

interface V4Range {
  start: number;
  end: number;
  reason: RefusalReason;
}

const v4Range = (t: ParsedTarget, reason: RefusalReason): V4Range => {
  const start = canonicalIpv4Value(t.address);
  return { start, end: start + 2 ** (32 - t.prefix) - 1, reason };
};

/**
 * IPv4 entries (nearly all of a feed) are checked as integer intervals: 10,000 entries against a few protected
 * ranges in milliseconds. The order of `ranges` is the order of the reasons. IPv6 goes through the full checks.
 */
function v4Refusal(t: ParsedTarget, ranges: readonly V4Range[]): RefusalReason | null {
  if (t.prefix === 0) return 'whole_internet';
  const { start, end } = v4Range(t, 'whole_internet');
  return ranges.find((r) => start <= r.end && r.start <= end)?.reason ?? null;
}

/**
 * The guards of manual blocks, without `force`: a feed never blocks the whole internet, a special-purpose range
 * (forcible ones included), this server, FIREWALL_MANAGEMENT_CIDRS or anything overlapping an allowlist entry.
 * Overlap counts: a feed's `10.0.0.0/8` is refused when the management network is `10.1.0.0/16`.
 */
export function guardEntries(entries: readonly ParsedTarget[], nets: ProtectedNetworks): GuardResult {
  const indexes: [RefusalReason, CidrIndex][] = [
    ['own_address', new CidrIndex(nets.own)],
    ['management_network', new CidrIndex(nets.management)],
    ['allowlisted', new CidrIndex(nets.allowlist)],
  ];
  const v4 = (list: readonly ParsedTarget[], reason: RefusalReason) =>
    list.filter((t) => t.family === 4).map((t) => v4Range(t, reason));
  const ranges4 = [
    ...v4(SPECIAL_RANGES.map((r) => r.cidr), 'special_purpose'),
    ...v4(nets.own, 'own_address'),
    ...v4(nets.management, 'management_network'),
    ...v4(nets.allowlist, 'allowlisted'),
  ];
  const result: GuardResult = { accepted: [], refused: {}, refusedTotal: 0, refusedSamples: [] };
  for (const t of entries) {
    let reason: RefusalReason | null = null;
    if (t.family === 4) reason = v4Refusal(t, ranges4);
    else if (isWholeInternet(t)) reason = 'whole_internet';
    else if (specialPurposeOf(t)) reason = 'special_purpose';
    else reason = indexes.find(([, index]) => index.size > 0 && hits(index, t))?.[0] ?? null;
    if (reason === null) {
      result.accepted.push(t);
      continue;
    }
    result.refused[reason] = (result.refused[reason] ?? 0) + 1;
    result.refusedTotal++;
    if (result.refusedSamples.length < MAX_SAMPLES) result.refusedSamples.push(`${t.canonical}: ${reason}`);
  }
  return result;
}
