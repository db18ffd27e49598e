import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { DECISION_ORIGIN } from '../decisions/decisions.service';
import { BlocklistFeedEntity } from './blocklist-feed.entity';
import { CreateFeedDto, UpdateFeedDto } from './dto/feed.dto';
import { FeedRefreshService } from './feed-refresh.service';
import { FeedsRepository } from './feeds.repository';

const DEFAULT_REFRESH_SECONDS = 3600;

const auditView = (f: BlocklistFeedEntity) => ({
  name: f.name,
  url: f.url,
  refresh_seconds: f.refreshSeconds,
  enforce_firewall: f.enforceFirewall,
  enabled: f.enabled,
  entries: f.entryCount,
});

const target = (id: string) => ({ targetType: 'blocklist_feed', targetId: id });

/** What a refresh or an upload did, for the audit log. */
const outcome = (f: BlocklistFeedEntity) => ({
  status: f.lastStatus,
  entries: f.entryCount,
  added: f.lastAdded,
  removed: f.lastRemoved,
  refused: f.refusedCount,
  error: f.lastError,
});

/** Subscriptions to blocklists: CRUD with audit; refreshing is FeedRefreshService's. */
@Injectable()
export class FeedsService {
  constructor(
    private readonly feeds: FeedsRepository,
    private readonly refresher: FeedRefreshService,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<BlocklistFeedEntity[]> {
    return this.feeds.findAll();
  }

  async get(id: string): Promise<BlocklistFeedEntity> {
    const feed = await this.feeds.findById(id);
    if (!feed) throw DomainError.notFound('Blocklist feed', id);
    return feed;
  }

  /** Creates the feed, then loads it at once (download or upload), so the answer carries its first status. */
  async create(actor: ActorContext, dto: CreateFeedDto): Promise<BlocklistFeedEntity> {
    if ((dto.url === undefined) === (dto.content === undefined)) {
      const reason = 'give exactly one of url and content';
      throw DomainError.validation([{ field: 'url', reason }], 'Give exactly one of url and content');
    }
    if (dto.content !== undefined && dto.refresh_seconds !== undefined) {
      throw DomainError.validation([{ field: 'refresh_seconds', reason: 'only for a feed with a url' }]);
    }
    const created = await this.feeds.manager.transaction(async (m) => {
      await this.assertNameFree(m, dto.name);
      const feed = await this.feeds.insert(m, {
        name: dto.name,
        url: dto.url ?? null,
        refreshSeconds: dto.url ? (dto.refresh_seconds ?? DEFAULT_REFRESH_SECONDS) : null,
        enforceFirewall: dto.enforce_firewall ?? false,
        enabled: dto.enabled ?? true,
        // the first load happens below; the next one a full period later
        nextRefreshAt: dto.url ? new Date(Date.now() + (dto.refresh_seconds ?? DEFAULT_REFRESH_SECONDS) * 1000) : null,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null,
      });
      await this.audit.record(actor, { action: 'network.feed.create', ...target(feed.id), after: auditView(feed) }, m);
      return feed;
    });
    return this.refresher.refresh(created.id, dto.content);
  }

  async update(actor: ActorContext, id: string, dto: UpdateFeedDto): Promise<BlocklistFeedEntity> {
    await this.feeds.manager.transaction(async (m) => {
      const before = await this.feeds.findById(id, m);
      if (!before) throw DomainError.notFound('Blocklist feed', id);
      if (!before.url && (dto.url !== undefined || dto.refresh_seconds !== undefined)) {
        const field = dto.url !== undefined ? 'url' : 'refresh_seconds';
        throw DomainError.validation([{ field, reason: 'an uploaded feed has no url' }]);
      }
      if (dto.name !== undefined && dto.name !== before.name) await this.assertNameFree(m, dto.name, id);
      const newUrl = dto.url !== undefined && dto.url !== before.url;
      await this.feeds.update(m, id, {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.url !== undefined ? { url: dto.url } : {}),
        ...(dto.refresh_seconds !== undefined ? { refreshSeconds: dto.refresh_seconds } : {}),
        ...(dto.enforce_firewall !== undefined ? { enforceFirewall: dto.enforce_firewall } : {}),
        ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
        // a new URL is another list: no validators, fetched at the next tick
        ...(newUrl ? { etag: null, lastModified: null, nextRefreshAt: new Date() } : {}),
      });
      const after = (await this.feeds.findById(id, m))!;
      const change = { before: auditView(before), after: auditView(after) };
      await this.audit.record(actor, { action: 'network.feed.update', ...target(id), ...change }, m);
    });
    return this.get(id);
  }

  /** Replaces an uploaded feed's list. */
  async upload(actor: ActorContext, id: string, content: string): Promise<BlocklistFeedEntity> {
    const feed = await this.get(id);
    if (feed.url) {
      throw new DomainError(ErrorCode.CONFLICT, 'This feed is downloaded from its url: change the url or refresh it instead');
    }
    const after = await this.refresher.refresh(id, content);
    await this.audit.record(actor, { action: 'network.feed.upload', ...target(id), details: outcome(after) });
    return after;
  }

  /** Refreshes now (a URL feed is downloaded, an uploaded one re-checked against the guards). */
  async refreshNow(actor: ActorContext, id: string): Promise<BlocklistFeedEntity> {
    await this.get(id);
    const after = await this.refresher.refresh(id);
    await this.audit.record(actor, {
      action: 'network.feed.refresh',
      ...target(id),
      outcome: after.lastStatus === 'failed' ? 'failure' : 'success',
      details: outcome(after),
    });
    return after;
  }

  /** Deletes the feed and its entries: bouncers are told they are deleted, the worker removes its firewall set. */
  async remove(actor: ActorContext, id: string): Promise<void> {
    await this.feeds.manager.transaction(async (m) => {
      const feed = await this.feeds.findById(id, m);
      if (!feed) throw DomainError.notFound('Blocklist feed', id);
      await this.feeds.lockFeed(m, id);
      await this.feeds.delete(m, id);
      await this.audit.record(actor, { action: 'network.feed.delete', ...target(id), before: auditView(feed) }, m);
    });
  }

  private async assertNameFree(m: EntityManager, name: string, exceptId?: string): Promise<void> {
    // the feed's name is its decisions' origin: `ids-ai` is the origin of IDS-AI's own blocks
    if (name.toLowerCase() === DECISION_ORIGIN) {
      throw DomainError.validation([{ field: 'name', reason: `${DECISION_ORIGIN} is reserved` }]);
    }
    if (await this.feeds.nameTaken(m, name, exceptId)) {
      const details = [{ field: 'name', reason: 'already taken' }];
      throw new DomainError(ErrorCode.CONFLICT, `A feed named ${name} exists`, { details });
    }
  }
}
