import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';
import { StreamGroupInfoDto, StreamInfoDto } from './dto/stream-info.dto';
import { StreamSettings } from './ingest-stream.client';
import { StreamConsumerService, StreamConsumerStatus } from './stream-consumer.service';
import { numberOrNull, recordOf } from './stream-replies';

const isNoSuchKey = (e: unknown) => e instanceof Error && /no such key/i.test(e.message);

/** The state of the ingest stream, its consumer group and this process's consumer, for operators. */
@Injectable()
export class StreamInfoService {
  private readonly settings: StreamSettings;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('ingestStream', { infer: true });
  }

  async info(): Promise<StreamInfoDto> {
    const { key, deadKey, outKey } = this.settings;
    const [length, deadLength, outLength, group] = await Promise.all([
      this.redis.xlen(key),
      this.redis.xlen(deadKey),
      this.redis.xlen(outKey),
      this.group(),
    ]);
    const local = this.localConsumer();
    return {
      enabled: this.settings.enabled,
      stream: { key, length },
      group,
      dead_letter: { key: deadKey, length: deadLength },
      output: { key: outKey, length: outLength },
      this_consumer: {
        name: local.consumer,
        running: local.running,
        last_batch_at: local.lastBatchAt?.toISOString() ?? null,
        retrying_entries: local.retrying,
        last_error: local.lastError ? { message: local.lastError.message, at: local.lastError.at.toISOString() } : null,
      },
    };
  }

  /** This process's consumer; a process of the `api` role runs none (it reports one that is not running). */
  private localConsumer(): StreamConsumerStatus {
    try {
      return this.moduleRef.get(StreamConsumerService, { strict: false }).status();
    } catch {
      return { consumer: this.settings.consumer, running: false, lastBatchAt: null, lastError: null, retrying: 0 };
    }
  }

  private async group(): Promise<StreamGroupInfoDto | null> {
    const { key, group: name } = this.settings;
    let groups: unknown[];
    try {
      groups = (await this.redis.xinfo('GROUPS', key)) as unknown[];
    } catch (e) {
      if (isNoSuchKey(e)) return null;
      throw e;
    }
    const group = groups.map(recordOf).find((g) => g.name === name);
    if (!group) return null;
    const consumers = ((await this.redis.xinfo('CONSUMERS', key, name)) as unknown[]).map(recordOf);
    return {
      name,
      lag: numberOrNull(group.lag),
      pending: Number(group.pending ?? 0),
      last_delivered_id: String(group['last-delivered-id'] ?? '0-0'),
      consumers: consumers.map((c) => ({ name: String(c.name), pending: Number(c.pending ?? 0), idle_ms: Number(c.idle ?? 0) })),
    };
  }
}
