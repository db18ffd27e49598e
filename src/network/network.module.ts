import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertEventEntity } from '../alerts/alert-event.entity';
import { AlertEntity } from '../alerts/alert.entity';
import { QUEUES } from '../infra/queues/queues';
import { ActionLifecycle } from './action-lifecycle.service';
import { AlertNotesRepository } from './alert-notes.repository';
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
import { FirewallJobsService } from './firewall-jobs.service';
import { firewallDriverProvider } from './firewall.provider';
import { NetworkActionEntity } from './network-action.entity';
import { NetworkActionsController } from './network-actions.controller';
import { NetworkActionsRepository } from './network-actions.repository';
import { NetworkActionsService } from './network-actions.service';
import { NetworkEventPublisher } from './network-event.publisher';
import { NetworkJobsService } from './network-jobs.service';
import { NetworkMetrics, networkMetricProviders } from './network.metrics';
import { FirewallLock } from './sync/firewall-lock';
import { FirewallSyncService } from './sync/firewall-sync.service';
import { BlockTargetUseCase } from './use-cases/block-target.use-case';
import { UnblockUseCase } from './use-cases/unblock.use-case';

/**
 * Network response: blocks of addresses and ports kept in `network_actions` (the source of truth), applied to
 * the configured firewall by Bull jobs and a periodic reconciler; allowlist; auto-response to alerts.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([NetworkActionEntity, AllowlistEntryEntity, AutoResponsePolicyEntity, AlertEntity, AlertEventEntity]),
    BullModule.registerQueue({ name: QUEUES.NETWORK }),
  ],
  controllers: [NetworkActionsController, AllowlistController, AutoResponseController],
  providers: [
    firewallDriverProvider,
    ...networkMetricProviders,
    NetworkMetrics,
    NetworkActionsRepository,
    AllowlistRepository,
    AutoResponsePolicyRepository,
    AlertNotesRepository,
    NetworkEventPublisher,
    ActionLifecycle,
    FirewallLock,
    FirewallSyncService,
    NetworkJobsService,
    FirewallJobsService,
    BlockSafety,
    BlockTargetUseCase,
    UnblockUseCase,
    NetworkActionsService,
    AllowlistService,
    AutoResponsePolicyService,
    AutoResponseListener,
  ],
  exports: [NetworkActionsService, FirewallSyncService, FirewallJobsService, NetworkJobsService, ActionLifecycle, NetworkMetrics],
})
export class NetworkModule {}
