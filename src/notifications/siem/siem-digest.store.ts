import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../infra/redis/redis.constants';
import { AlertDigestStore } from '../alert-digest.store';

/** The syslog destinations' digests: keys `<REDIS_KEY_PREFIX>:siem:digest:{<destination>}:…`, SIEM_DIGEST_*. */
@Injectable()
export class SiemDigestStore extends AlertDigestStore {
  constructor(@Inject(REDIS_CLIENT) redis: Redis, config: ConfigService<AppConfig, true>) {
    const prefix = `${config.get('redis.keyPrefix', { infer: true })}:siem:digest`;
    super(redis, prefix, config.get('siem.digest', { infer: true }));
  }
}
