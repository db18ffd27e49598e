import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { QUEUES } from '../infra/queues/queues';
import { ActionLifecycle } from './action-lifecycle.service';
import { AllowlistEntryEntity } from './allowlist-entry.entity';
import { AllowlistController } from './allowlist.controller';
import { AllowlistRepository } from './allowlist.repository';
import { AllowlistService } from './allowlist.service';
import { AutoResponsePolicyEntity } from './auto-response-policy.entity';
import { AutoResponsePolicyRepository } from './auto-response-policy.repository';
import { AutoResponsePolicyService } from './auto-response-policy.service';
import { AutoResponseController } from './auto-response.controller';
import { AutoResponseListener } from './auto-response.listener';
import { BlockSafety } from './block-safety.service';
import { DryRunPreview } from './dry-run-preview.service';
import { BouncerDecisionEntity } from './decisions/bouncer-decision.entity';
import { DecisionsController } from './decisions/decisions.controller';
import { DecisionsRepository } from './decisions/decisions.repository';
import { DecisionsService } from './decisions/decisions.service';
import { FirewallJobsService } from './firewall-jobs.service';
import { firewallDriverProvider, otherFirewallDriverProvider } from './firewall.provider';
import { NetworkActionEntity } from './network-action.entity';
import { NetworkActionsController } from './network-actions.controller';
import { NetworkActionsRepository } from './network-actions.repository';
import { NetworkActionsService } from './network-actions.service';
import { NetworkEventPublisher } from './network-event.publisher';
import { NetworkJobsService } from './network-jobs.service';
import { NetworkMetrics, networkMetricProviders } from './network.metrics';
import { DriverSwitchService } from './sync/driver-switch.service';
import { FirewallLock } from './sync/firewall-lock';
import { FirewallSyncService } from './sync/firewall-sync.service';
import { BlockTargetUseCase } from './use-cases/block-target.use-case';
import { UnblockUseCase } from './use-cases/unblock.use-case';

/**
 * Network response: blocks of addresses and ports kept in `network_actions` (the source of truth), applied to
 * the configured firewall by Bull jobs and a periodic reconciler; allowlist; auto-response to alerts; the same
 * blocks as CrowdSec decisions for bouncers.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([NetworkActionEntity, AllowlistEntryEntity, AutoResponsePolicyEntity, BouncerDecisionEntity]),
    AlertsModule,
    BullModule.registerQueue({ name: QUEUES.NETWORK }),
  ],
  controllers: [NetworkActionsController, AllowlistController, AutoResponseController, DecisionsController],
  providers: [
    firewallDriverProvider,
    otherFirewallDriverProvider,
    ...networkMetricProviders,
    NetworkMetrics,
    NetworkActionsRepository,
    AllowlistRepository,
    AutoResponsePolicyRepository,
    NetworkEventPublisher,
    ActionLifecycle,
    FirewallLock,
    FirewallSyncService,
    DriverSwitchService,
    NetworkJobsService,
    FirewallJobsService,
    BlockSafety,
    DryRunPreview,
    BlockTargetUseCase,
    UnblockUseCase,
    NetworkActionsService,
    AllowlistService,
    AutoResponsePolicyService,
    AutoResponseListener,
    DecisionsRepository,
    DecisionsService,
  ],
  exports: [NetworkActionsService, FirewallSyncService, FirewallLock, DriverSwitchService, FirewallJobsService, NetworkJobsService, ActionLifecycle, NetworkMetrics],
})
export class NetworkModule {}
