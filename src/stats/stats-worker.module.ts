import { Module } from '@nestjs/common';
import { StatsRetention } from './stats-retention.service';

/** The background work of the statistics feature (the `worker` and `all` roles): pruning old rollups. */
@Module({ providers: [StatsRetention] })
export class StatsWorkerModule {}
