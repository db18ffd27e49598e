import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SuppressionMatcher } from './suppression-matcher.service';
import { suppressionMetricProviders } from './suppression.metrics';
import { SuppressionRuleEntity } from './suppression-rule.entity';
import { SuppressionReportsService } from './suppression-reports.service';
import { SuppressionRulesRepository } from './suppression-rules.repository';
import { SuppressionsController } from './suppressions.controller';
import { SuppressionsService } from './suppressions.service';

/** Suppression rules: their API, and the in-memory matcher the ingest writer asks (exported). */
@Module({
  imports: [TypeOrmModule.forFeature([SuppressionRuleEntity])],
  controllers: [SuppressionsController],
  providers: [SuppressionRulesRepository, SuppressionMatcher, SuppressionsService, SuppressionReportsService, ...suppressionMetricProviders],
  exports: [SuppressionMatcher],
})
export class SuppressionsModule {}
