import { Process, Processor } from '@nestjs/bull';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Job } from 'bull';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, symlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { FeedbackExportService } from '../../alerts/feedback/feedback-export.service';
import { AppConfig } from '../../config/app-config';
import { QUEUES, TrainingJob } from '../../infra/queues/queues';
import { ModelEvents } from '../model.events';
import { ModelRegistryService } from '../registry/model-registry.service';
import { parseEpochLine, trainingCommand } from './training-command';

export const TRAINING_PROGRESS_EVENT = ModelEvents.TRAINING_PROGRESS;
/** Where runs train, inside the model store (a rename from there into the store is atomic). */
export const STAGING_DIR = '.staging';

/**
 * Retrains in a child process (training would block this process's event loop), relays per-epoch progress as
 * `model.training_progress` events, and registers the result without activating it.
 */
@Processor(QUEUES.TRAINING)
export class TrainingProcessor implements OnModuleDestroy {
  private readonly logger = new Logger(TrainingProcessor.name);
  private child: ChildProcess | null = null;

  constructor(
    private readonly registry: ModelRegistryService,
    private readonly feedback: FeedbackExportService,
    private readonly events: EventEmitter2,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @Process({ concurrency: 1 })
  async train(job: Job<TrainingJob>): Promise<{ version: string }> {
    const started = Date.now();
    const store = resolve(this.config.get('model.storeDir', { infer: true }));
    // a run's own scratch directory: Bull job ids start again at 1 when Redis loses the queue
    const workDir = join(store, STAGING_DIR, randomUUID());
    const dataDir = join(workDir, 'data');
    const outDir = join(workDir, 'model');
    await mkdir(dataDir, { recursive: true });
    try {
      await this.prepareData(job.data, dataDir);
      this.progress(job, { stage: 'training' });
      await this.runTraining(job, ['--data', dataDir, '--out', outDir, '--epochs', String(job.data.epochs), '--seed', String(job.data.seed), '--eval-seeds', '1']);
      const row = await this.registry.storeTrained(outDir, { job_id: String(job.id), data_path: job.data.dataPath, feedback: job.data.includeFeedback });
      this.progress(job, { stage: 'registered', version: row.version });
      this.logger.log(`training job ${job.id} registered ${row.version} in ${Math.round((Date.now() - started) / 1000)} s`);
      return { version: row.version };
    } catch (e) {
      this.progress(job, { stage: 'failed', error: (e as Error).message });
      throw e;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * A training run can last minutes: shutting down stops it (the job fails and can be started again). This runs
   * before the queues wait for their active jobs on shutdown.
   */
  onModuleDestroy(): void {
    this.child?.kill('SIGTERM');
  }

  private async prepareData(data: TrainingJob, dir: string): Promise<void> {
    if (data.dataPath) {
      const source = resolve(data.dataPath);
      if ((await stat(source)).isDirectory()) await symlink(source, join(dir, 'base'), 'dir');
      else await symlink(source, join(dir, basename(source).endsWith('.csv') ? basename(source) : 'base.csv'));
    }
    if (data.includeFeedback) await pipeline(this.feedback.exportCsv(), createWriteStream(join(dir, 'feedback.csv')));
  }

  private runTraining(job: Job<TrainingJob>, args: string[]): Promise<void> {
    const cmd = trainingCommand(args);
    return new Promise((resolvePromise, reject) => {
      const child = spawn(cmd.file, cmd.args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.child = child;
      const tail: string[] = [];
      createInterface({ input: child.stderr! }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        const epoch = parseEpochLine(line);
        if (epoch) this.progress(job, { stage: 'training', epochs: job.data.epochs, ...epoch });
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        this.child = null;
        // the last lines that say something (a stack trace's frames would crowd out its message)
        const said = tail.filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-5);
        return code === 0 ? resolvePromise() : reject(new Error(`training exited with ${code}: ${said.join(' | ')}`));
      });
    });
  }

  private progress(job: Job<TrainingJob>, payload: Record<string, unknown>): void {
    void job.progress(payload).catch(() => undefined);
    this.events.emit(TRAINING_PROGRESS_EVENT, { job_id: String(job.id), ...payload });
  }
}
