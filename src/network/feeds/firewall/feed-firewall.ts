import { CidrIndex, ParsedTarget } from '../../../core/net';

/** One feed's set as the worker wants it: `targets` when its content must be (re)written, else left as it is. */
export interface FeedSetRequest {
  /** `feed<id>`: names the feed's sets. */
  key: string;
  targets?: readonly ParsedTarget[];
}

export const feedKey = (id: string): string => `feed${id}`;
export const FEED_KEY = /^feed[0-9]{1,7}$/;

/**
 * The firewall of blocklist feeds: per feed ONE set per address family (ipset `hash:net`, nftables interval set),
 * matched by one rule each in a chain (or table) of their own, beside the blocks' base, which they never touch.
 * `apply()` makes the kernel hold exactly the listed feeds: it writes the content of those with `targets` (an
 * atomic swap per set), creates missing sets, points the rules at exactly these sets and removes the others.
 */
export abstract class FeedFirewall {
  abstract apply(feeds: readonly FeedSetRequest[]): Promise<void>;
  /** Canonical members of a feed's sets (v4 then v6); empty when it has none. */
  abstract members(key: string): Promise<string[]>;
  /** Keys of the feeds whose sets exist now. */
  abstract present(): Promise<string[]>;
}

export function assertFeedKeys(feeds: readonly FeedSetRequest[]): void {
  for (const f of feeds) if (!FEED_KEY.test(f.key)) throw new Error(`Invalid feed set key: ${f.key.slice(0, 20)}`);
}

/** Drops entries inside another entry (interval sets refuse overlaps; CIDRs never overlap partially). */
export function collapseNested(targets: readonly ParsedTarget[]): ParsedTarget[] {
  const sorted = [...targets].sort((a, b) => a.prefix - b.prefix);
  const kept = new CidrIndex();
  const out: ParsedTarget[] = [];
  for (const t of sorted) {
    if (kept.has(t) || kept.findOverlap(t)) continue;
    kept.add(t);
    out.push(t);
  }
  return out;
}

export const byFamily = (targets: readonly ParsedTarget[], family: 4 | 6): ParsedTarget[] =>
  targets.filter((t) => t.family === family);
