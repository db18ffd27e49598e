import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../infra/redis/redis.constants';
import { AlertDigestStore } from './alert-digest.store';

export { DIGEST_EVENT } from './alert-digest.store';

/** The webhooks' digests: keys `<REDIS_KEY_PREFIX>:webhooks:digest:{<webhook id>}:…`, WEBHOOK_DIGEST_* settings. */
@Injectable()
export class WebhookDigestStore extends AlertDigestStore {
  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: ConfigService<AppConfig, true>) {
    const prefix = `${config.get('redis.keyPrefix', { infer: true })}:webhooks:digest`;
    super(redis, prefix, config.get('webhooks.digest', { infer: true }));
  }
}
