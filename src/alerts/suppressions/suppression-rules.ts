import { canonicalIpv4Value, cidrContains, ParsedTarget, parseTarget, tryParseTarget } from '../../core/net';

/** A rule as the matcher needs it (from the database row or a preview request). */
export interface SuppressionRuleSpec {
  id: string;
  attackType: string | null;
  /** Canonical address or CIDR, null for any. */
  srcCidr: string | null;
  dstCidr: string | null;
  dstPort: number | null;
  expiresAt: Date | null;
}

/** What of an alert verdict a rule looks at. */
export interface SuppressibleVerdict {
  attackType: string;
  srcIp: string | null;
  dstIp: string | null;
  dstPort: number | null;
}

type AddressTest = (ip: string | null) => boolean;

interface CompiledRule {
  id: string;
  src: AddressTest | null;
  dst: AddressTest | null;
  dstPort: number | null;
  /** Epoch milliseconds; Infinity for a rule without expiry. */
  expiresAt: number;
}

/**
 * A test for "address inside `target`". IPv4 addresses in the canonical spelling ingest stores (nearly all) are
 * compared as 32-bit numbers without allocating; anything else is parsed.
 */
export function addressTest(target: ParsedTarget): AddressTest {
  const divisor = 2 ** (32 - target.prefix);
  const network = target.family === 4 ? Math.floor(canonicalIpv4Value(target.address) / divisor) : -1;
  return (ip) => {
    if (ip === null) return false;
    if (network >= 0) {
      const value = canonicalIpv4Value(ip);
      if (value >= 0) return Math.floor(value / divisor) === network;
    }
    const parsed = tryParseTarget(ip, 'ip');
    return parsed.ok && cidrContains(target, parsed.value);
  };
}

function compile(rule: SuppressionRuleSpec): CompiledRule {
  return {
    id: rule.id,
    src: rule.srcCidr === null ? null : addressTest(parseTarget(rule.srcCidr)),
    dst: rule.dstCidr === null ? null : addressTest(parseTarget(rule.dstCidr)),
    dstPort: rule.dstPort,
    expiresAt: rule.expiresAt ? rule.expiresAt.getTime() : Infinity,
  };
}

/**
 * The rules in force, indexed by attack type (rules with any class apart), so that a verdict is tested only
 * against the rules of its class. The first matching rule, oldest first, is the one credited.
 */
export class SuppressionRuleSet {
  private readonly byType = new Map<string, CompiledRule[]>();
  private readonly anyType: CompiledRule[] = [];
  /** Earliest expiry among the rules (Infinity if none expires). */
  readonly nextExpiry: number;
  readonly size: number;

  constructor(rules: readonly SuppressionRuleSpec[]) {
    let next = Infinity;
    for (const rule of rules) {
      const compiled = compile(rule);
      next = Math.min(next, compiled.expiresAt);
      if (rule.attackType === null) this.anyType.push(compiled);
      else {
        const list = this.byType.get(rule.attackType);
        if (list) list.push(compiled);
        else this.byType.set(rule.attackType, [compiled]);
      }
    }
    this.nextExpiry = next;
    this.size = rules.length;
  }

  /** The id of the first rule in force at `now` (epoch ms) that matches, or null. */
  match(v: SuppressibleVerdict, now: number): string | null {
    const typed = this.byType.get(v.attackType);
    return (typed && firstMatch(typed, v, now)) ?? firstMatch(this.anyType, v, now);
  }
}

function firstMatch(rules: readonly CompiledRule[], v: SuppressibleVerdict, now: number): string | null {
  for (const r of rules) {
    if (r.expiresAt <= now) continue;
    if (r.dstPort !== null && r.dstPort !== v.dstPort) continue;
    if (r.src !== null && !r.src(v.srcIp)) continue;
    if (r.dst !== null && !r.dst(v.dstIp)) continue;
    return r.id;
  }
  return null;
}

export const EMPTY_RULE_SET = new SuppressionRuleSet([]);
