import { Module } from '@nestjs/common';
import { StatsActivityRepository } from './stats-activity.repository';
import { StatsCache } from './stats-cache';
import { StatsController } from './stats.controller';
import { StatsRollupsRepository } from './stats-rollups.repository';
import { StatsService } from './stats.service';

/** Dashboard statistics (permission view_stats), read from the rollups and the operational tables. */
@Module({
  controllers: [StatsController],
  providers: [StatsRollupsRepository, StatsActivityRepository, StatsCache, StatsService],
  exports: [StatsService],
})
export class StatsModule {}
