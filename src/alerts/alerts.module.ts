import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AlertDetailsRepository } from './alert-details.repository';
import { AlertEventPublisher } from './alert-event.publisher';
import { AlertNotesRepository } from './alert-notes.repository';
import { AlertEventEntity } from './alert-event.entity';
import { AlertEntity } from './alert.entity';
import { AlertTimelineRepository } from './alert-timeline.repository';
import { AlertsBulkController } from './alerts-bulk.controller';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { AlertIngestWriter } from './ingest/alert-ingest.writer';
import { FeedbackExportService } from './feedback/feedback-export.service';
import { AlertFeedbackController } from './feedback/feedback.controller';
import { FeedbackRepository } from './feedback/feedback.repository';
import { AddAlertNoteUseCase } from './use-cases/add-alert-note.use-case';
import { AssignAlertUseCase } from './use-cases/assign-alert.use-case';
import { AssigneeValidator } from './use-cases/assignee.validator';
import { BulkAssignUseCase } from './use-cases/bulk-assign.use-case';
import { BulkChangeStatusUseCase } from './use-cases/bulk-change-status.use-case';
import { BulkTargets } from './use-cases/bulk-targets';
import { ChangeAlertStatusUseCase } from './use-cases/change-alert-status.use-case';
import { StatusChangeApplier } from './use-cases/status-change.applier';

@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertEventEntity]), UsersModule],
  controllers: [AlertsController, AlertsBulkController, AlertFeedbackController],
  providers: [
    AlertsRepository,
    AlertTimelineRepository,
    AlertDetailsRepository,
    FeedbackRepository,
    AlertsService,
    AlertEventPublisher,
    StatusChangeApplier,
    AssigneeValidator,
    BulkTargets,
    ChangeAlertStatusUseCase,
    AssignAlertUseCase,
    AddAlertNoteUseCase,
    BulkChangeStatusUseCase,
    BulkAssignUseCase,
    FeedbackExportService,
    AlertIngestWriter,
    AlertNotesRepository,
  ],
  exports: [TypeOrmModule, FeedbackExportService, AlertIngestWriter, AlertNotesRepository, AlertEventPublisher],
})
export class AlertsModule {}
