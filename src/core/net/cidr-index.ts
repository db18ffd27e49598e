import { maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './ip-bytes';
import type { ParsedTarget } from './ip-target';

interface Entry {
  target: ParsedTarget;
  bytes: number[];
}

function bytesOf(target: ParsedTarget): number[] {
  const bytes = target.family === 4 ? parseIpv4Bytes(target.address) : parseIpv6Bytes(target.address);
  if (!bytes) throw new Error('ParsedTarget with an unparseable address: build targets with parseTarget');
  return bytes;
}

const keyOf = (family: number, bytes: readonly number[], prefix: number): string =>
  `${family}|${maskBytes(bytes, prefix).join('.')}`;

/**
 * Answers "which stored network overlaps this one?" without comparing every pair: for n stored entries and
 * k distinct prefix lengths a lookup costs O(k) map probes. Used to refuse nftables interval-set conflicts and
 * to collapse overlapping blocks before they reach a firewall.
 */
export class CidrIndex {
  /** family|prefix → (key of the network at that prefix → entry). */
  private readonly byPrefix = new Map<string, Map<string, Entry>>();
  /** family|prefix p → keys of every stored entry longer than p, masked to p (built on first use). */
  private readonly narrowerMasked = new Map<string, Map<string, Entry>>();
  private readonly entries = new Map<string, Entry>();

  constructor(targets: Iterable<ParsedTarget> = []) {
    for (const target of targets) this.add(target);
  }

  get size(): number {
    return this.entries.size;
  }

  has(target: ParsedTarget): boolean {
    return this.entries.has(target.canonical);
  }

  add(target: ParsedTarget): void {
    if (this.entries.has(target.canonical)) return;
    const entry = { target, bytes: bytesOf(target) };
    this.entries.set(target.canonical, entry);
    const bucket = `${target.family}|${target.prefix}`;
    if (!this.byPrefix.has(bucket)) this.byPrefix.set(bucket, new Map());
    this.byPrefix.get(bucket)!.set(keyOf(target.family, entry.bytes, target.prefix), entry);
    for (const [cached, masked] of this.narrowerMasked) {
      const [family, prefix] = cached.split('|').map(Number);
      if (family === target.family && prefix < target.prefix) masked.set(keyOf(family, entry.bytes, prefix), entry);
    }
  }

  /** A stored entry, other than `target` itself, sharing at least one address with it. */
  findOverlap(target: ParsedTarget): ParsedTarget | undefined {
    const bytes = bytesOf(target);
    for (const [bucket, networks] of this.byPrefix) {
      const [family, prefix] = bucket.split('|').map(Number);
      if (family !== target.family || prefix > target.prefix) continue;
      const found = networks.get(keyOf(family, bytes, prefix));
      if (found && found.target.canonical !== target.canonical) return found.target;
    }
    return this.narrowerThan(target).get(keyOf(target.family, bytes, target.prefix))?.target;
  }

  private narrowerThan(target: ParsedTarget): Map<string, Entry> {
    const cached = `${target.family}|${target.prefix}`;
    let masked = this.narrowerMasked.get(cached);
    if (!masked) {
      masked = new Map();
      for (const entry of this.entries.values()) {
        if (entry.target.family === target.family && entry.target.prefix > target.prefix) {
          masked.set(keyOf(target.family, entry.bytes, target.prefix), entry);
        }
      }
      this.narrowerMasked.set(cached, masked);
    }
    return masked;
  }
}
