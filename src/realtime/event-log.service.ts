import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { Permission } from '../core/permissions';
import { REDIS_CLIENT } from '../infra/redis/redis.constants';
import { EVENT_PERMISSION, ServerEventName, ServerEvents } from './realtime.events';

/** A logged event's payload: what clients received, replay log id included. */
export type LoggedEventPayload = ServerEvents[ServerEventName];

export interface LoggedEvent {
  id: string;
  event: ServerEventName;
  payload: LoggedEventPayload;
}

const MAX_LENGTH = 10_000;

/**
 * The replay log of realtime events: a capped Redis stream shared by every API instance. The stream id is the
 * event id clients see, so `since=<id>` returns exactly what came after.
 */
@Injectable()
export class EventLogService {
  private readonly key: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    this.key = `${config.get('redis.keyPrefix', { infer: true })}:events`;
  }

  async append(event: ServerEventName, payload: Record<string, unknown>): Promise<string> {
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', String(MAX_LENGTH), '*', 'event', event, 'payload', JSON.stringify(payload));
    return id ?? '';
  }

  /** Events after `since` (exclusive) that a holder of `permissions` may see, oldest first. */
  async since(since: string, permissions: ReadonlySet<Permission>, limit: number): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    let start = since === '0' ? '-' : `(${since}`;
    while (out.length < limit) {
      const entries = await this.redis.xrange(this.key, start, '+', 'COUNT', limit * 2);
      if (entries.length === 0) break;
      for (const [id, fields] of entries) {
        const event = fields[fields.indexOf('event') + 1] as ServerEventName;
        const needed = EVENT_PERMISSION[event];
        if (needed && !permissions.has(needed)) continue;
        out.push({ id, event, payload: { id, ...JSON.parse(fields[fields.indexOf('payload') + 1]) } });
        if (out.length === limit) break;
      }
      start = `(${entries[entries.length - 1][0]}`;
    }
    return out;
  }
}
