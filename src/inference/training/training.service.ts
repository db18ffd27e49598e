import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../core/domain-error';
import { QUEUES, TrainingJob } from '../../infra/queues/queues';
import { ModelRegistryService } from '../registry/model-registry.service';
import { RetrainAcceptedDto, RetrainDto } from '../registry/model-version.dto';
import { resolveDatasetPath } from './dataset-path';

/** Starts retraining runs: the data path confined to DATASETS_DIR, the job queued, the request audited. */
@Injectable()
export class TrainingService {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly audit: AuditService,
    private readonly config: ConfigService<AppConfig, true>,
    @InjectQueue(QUEUES.TRAINING) private readonly training: Queue<TrainingJob>,
  ) {}

  async retrain(actor: ActorContext, dto: RetrainDto): Promise<RetrainAcceptedDto> {
    const includeFeedback = dto.include_feedback ?? true;
    const params = { data_path: dto.data_path ?? null, epochs: dto.epochs ?? 60, seed: dto.seed ?? 42, include_feedback: includeFeedback };
    const datasetsDir = this.config.get('model.datasetsDir', { infer: true });
    let dataPath: string | null = null;
    try {
      if (dto.data_path !== undefined) dataPath = await resolveDatasetPath(datasetsDir, dto.data_path);
      if (dataPath === null && (!includeFeedback || (await this.registry.feedbackExamples()) === 0)) {
        throw DomainError.validation([{ field: 'data_path', reason: 'is required: there is no feedback to train on alone' }]);
      }
    } catch (e) {
      // a refused path is worth knowing about: probing for server files shows up in the audit log
      if (e instanceof DomainError) {
        const details = { ...params, refused: e.details };
        await this.audit.record(actor, { action: 'model.retrain', outcome: 'failure', targetType: 'training_job', details });
      }
      throw e;
    }
    const job = await this.training.add(
      { dataPath, includeFeedback, epochs: params.epochs, seed: params.seed, requestedBy: actor.principal?.id ?? null },
      { attempts: 1, removeOnComplete: 50, removeOnFail: 50 },
    );
    const details = { ...params, resolved_path: dataPath };
    await this.audit.record(actor, { action: 'model.retrain', targetType: 'training_job', targetId: String(job.id), details });
    return { job_id: String(job.id), state: await job.getState() };
  }
}
