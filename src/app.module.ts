import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/data-source-options';
import { HealthModule } from './infra/health/health.module';
import { LoggingModule } from './infra/logging/logging.module';
import { MetricsModule } from './infra/metrics/metrics.module';
import { RedisModule } from './infra/redis/redis.module';
import { NetworkModule } from './network/network.module';
import { FlowsModule } from './flows/flows.module';
import { RealtimeModule } from './realtime/realtime.module';
import { UsersModule } from './users/users.module';
import { StatsModule } from './stats/stats.module';
import { NotificationsModule } from './notifications/notifications.module';

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
          useFactory: (cfg: ConfigService<AppConfig, true>) => ({
            url: cfg.get('redis.url', { infer: true }),
            prefix: `${cfg.get('redis.keyPrefix', { infer: true })}:bull`,
          }),
        }),
        EventEmitterModule.forRoot({ wildcard: false }),
        ScheduleModule.forRoot(),
        MetricsModule,
        HealthModule,
        AuditModule,
        UsersModule,
        AuthModule,
        AlertsModule,
        FlowsModule,
        NetworkModule,
        RealtimeModule,
        StatsModule,
        NotificationsModule,
      ],
    };
  }
}
