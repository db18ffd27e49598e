import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { parseTarget } from '../../core/net';
import { FirewallLock } from '../sync/firewall-lock';
import { FeedRefreshService } from './feed-refresh.service';
import { FeedsRepository } from './feeds.repository';
import { FeedFirewall, FeedSetRequest, feedKey } from './firewall/feed-firewall';

/** The scheduler looks for due feeds and moved entries this often at most. */
const MAX_TICK_MS = 5_000;
/** Due feeds refreshed per tick, so one tick stays short; the rest wait for the next. */
const REFRESHES_PER_TICK = 4;
const LOCK_WAIT_MS = 2_000;

/**
 * Background work of feeds (worker role): every tick, refreshes the URL feeds that are due (claimed in the
 * database, so one instance does each), then makes the feed firewall sets match the database — a feed's set is
 * rewritten when its entries moved (`entries_version`) or it is missing from the kernel; sets of feeds deleted,
 * disabled or no longer enforced are removed. Ticks never overlap.
 */
@Injectable()
export class FeedsWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FeedsWorker.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  /** Feed id → entries_version its set holds. */
  private readonly applied = new Map<string, number>();
  private stopped = false;
  /** No feed enforced and none of their sets found: nothing to ask the kernel until a feed is enforced. */
  private knownEmpty = false;

  constructor(
    private readonly feeds: FeedsRepository,
    private readonly refresher: FeedRefreshService,
    private readonly firewall: FeedFirewall,
    private readonly lock: FirewallLock,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const tickMs = Math.min(MAX_TICK_MS, this.config.get('network.reconcileSeconds', { infer: true }) * 1000);
    this.timer = setInterval(() => void this.tick(), tickMs);
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a tick now, or joins the one in progress. Never throws. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      for (let i = 0; i < REFRESHES_PER_TICK && !this.stopped; i++) {
        const id = await this.feeds.claimDue();
        if (!id) break;
        await this.refresher.refresh(id).catch((error) => {
          this.logger.warn(`Feed ${id} refresh failed: ${(error as Error).message}`);
        });
      }
      if (!this.stopped) await this.syncFirewall();
    } catch (error) {
      this.logger.warn(`Feed tick failed: ${(error as Error).message}`);
    }
  }

  /** Public for tests: one sync of the feed sets with the database. */
  async syncFirewall(): Promise<void> {
    const enforced = await this.feeds.findEnforced();
    // without enforced feeds the tools may not even be installed (dry-run, decisions only): look once
    if (enforced.length === 0 && this.knownEmpty) return;
    const listed = await this.firewall.present().catch((error: unknown) => {
      if (enforced.length > 0) throw error;
      return [];
    });
    const present = new Set(listed);
    this.knownEmpty = enforced.length === 0 && present.size === 0;
    const stale = [...present].some((key) => !enforced.some((f) => feedKey(f.id) === key));
    const requests: FeedSetRequest[] = [];
    for (const f of enforced) {
      const key = feedKey(f.id);
      if (this.applied.get(f.id) === f.entriesVersion && present.has(key)) {
        requests.push({ key });
        continue;
      }
      const targets = (await this.feeds.entryValues(f.id)).map((v) => parseTarget(v));
      requests.push({ key, targets });
    }
    if (!stale && requests.every((r) => !r.targets) && requests.length === present.size) return;
    await this.lock.run(() => this.firewall.apply(requests), LOCK_WAIT_MS);
    this.applied.clear();
    for (const f of enforced) this.applied.set(f.id, f.entriesVersion);
    const written = requests.filter((r) => r.targets);
    if (written.length || stale) {
      const what = written.map((r) => `${r.key} (${r.targets!.length})`).join(', ') || 'none rewritten';
      this.logger.log(`Feed firewall sets: ${what}; ${enforced.length} enforced`);
    }
  }
}
