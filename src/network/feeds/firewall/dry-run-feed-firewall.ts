import { FeedFirewall, FeedSetRequest, assertFeedKeys } from './feed-firewall';

/** FIREWALL_DRIVER=dry-run: holds the feed sets in memory, so status and tests see what would be enforced. */
export class DryRunFeedFirewall extends FeedFirewall {
  private readonly sets = new Map<string, string[]>();

  async apply(feeds: readonly FeedSetRequest[]): Promise<void> {
    assertFeedKeys(feeds);
    const wanted = new Set(feeds.map((f) => f.key));
    for (const key of [...this.sets.keys()]) if (!wanted.has(key)) this.sets.delete(key);
    for (const f of feeds) {
      if (f.targets) this.sets.set(f.key, f.targets.map((t) => t.canonical));
      else if (!this.sets.has(f.key)) this.sets.set(f.key, []);
    }
  }

  async members(key: string): Promise<string[]> {
    return [...(this.sets.get(key) ?? [])];
  }

  async present(): Promise<string[]> {
    return [...this.sets.keys()];
  }
}
