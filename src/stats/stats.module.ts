import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { AttackCoverageController } from './attack-coverage.controller';
import { AttackCoverageRepository } from './attack-coverage.repository';
import { AttackCoverageService } from './attack-coverage.service';
import { StatsActivityRepository } from './stats-activity.repository';
import { StatsCache } from './stats-cache';
import { StatsController } from './stats.controller';
import { StatsRollupsRepository } from './stats-rollups.repository';
import { StatsRollups } from './stats-rollups.writer';
import { StatsService } from './stats.service';

/** Dashboard statistics (permission view_stats), read from the rollups and the operational tables. */
@Module({
  imports: [InferenceModule],
  controllers: [StatsController, AttackCoverageController],
  providers: [
    StatsRollupsRepository,
    StatsActivityRepository,
    StatsCache,
    StatsService,
    AttackCoverageRepository,
    AttackCoverageService,
    StatsRollups,
  ],
  exports: [StatsService, StatsRollups, StatsRollupsRepository],
})
export class StatsModule {}
