import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from './alerts/alerts.module';
import { SuppressionsModule } from './alerts/suppressions/suppressions.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/data-source-options';
import { HealthModule } from './infra/health/health.module';
import { LoggingModule } from './infra/logging/logging.module';
import { MetricsModule } from './infra/metrics/metrics.module';
import { bullRootOptions } from './infra/queues/bull-options';
import { RedisModule } from './infra/redis/redis.module';
import { NetworkModule } from './network/network.module';
import { FlowsModule } from './flows/flows.module';
import { RealtimeModule } from './realtime/realtime.module';
import { UsersModule } from './users/users.module';
import { StatsModule } from './stats/stats.module';
import { NotificationsModule } from './notifications/notifications.module';
import { RateLimitModule } from './infra/rate-limit/rate-limit.module';
import { runsWorkers, servesApi } from './config/process-role';
import { FlowsWorkerModule } from './flows/flows-worker.module';
import { InferenceWorkerModule } from './inference/inference-worker.module';
import { BullBoardModule } from './infra/bull-board/bull-board.module';
import { LifecycleModule } from './infra/lifecycle/lifecycle.module';
import { NetworkWorkerModule } from './network/network-worker.module';
import { FeedsModule } from './network/feeds/feeds.module';
import { FeedsWorkerModule } from './network/feeds/feeds-worker.module';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module';
import { StatsWorkerModule } from './stats/stats-worker.module';
import { RealtimeRelayModule } from './realtime/realtime-relay.module';
import { SystemStatusModule } from './realtime/system-status.module';

/**
 * The modules that differ by process role (see `config/process-role.ts`). Background work (Bull processors, the
 * stream consumer, schedules) runs only in `worker` and `all`; what serves clients only in `api` and `all`; a
 * worker relays its realtime events through Redis. Every other module is part of every role.
 */
function roleModules(config: AppConfig): NonNullable<DynamicModule['imports']> {
  const { role } = config.app;
  return [
    ...(runsWorkers(role)
      ? [ScheduleModule.forRoot(), FlowsWorkerModule, NetworkWorkerModule, FeedsWorkerModule, InferenceWorkerModule, NotificationsWorkerModule, StatsWorkerModule]
      : []),
    ...(servesApi(role) ? [SystemStatusModule, ...(config.bullBoard.enabled ? [BullBoardModule] : [])] : [RealtimeRelayModule]),
  ];
}

@Module({})
export class AppModule {
  /** The application for a resolved configuration (the database URL is known once embedded PostgreSQL runs). */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        LoggingModule,
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (cfg: ConfigService<AppConfig, true>) => {
            const db = cfg.get('database', { infer: true });
            if (!db.url) throw new Error('database.url is not resolved');
            return {
              ...buildDataSourceOptions(db.url, db.poolSize),
              migrationsRun: db.migrationsRun,
              autoLoadEntities: true,
              retryAttempts: 5,
              retryDelay: 2000,
            };
          },
        }),
        RedisModule,
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (cfg: ConfigService<AppConfig, true>) =>
            bullRootOptions(cfg.get('redis.url', { infer: true }), cfg.get('redis.keyPrefix', { infer: true })),
        }),
        EventEmitterModule.forRoot({ wildcard: false }),
        LifecycleModule,
        MetricsModule,
        RateLimitModule,
        HealthModule,
        AuditModule,
        UsersModule,
        AuthModule,
        AlertsModule,
        SuppressionsModule,
        FlowsModule,
        NetworkModule,
        FeedsModule,
        RealtimeModule,
        StatsModule,
        NotificationsModule,
        ...roleModules(config),
      ],
    };
  }
}
