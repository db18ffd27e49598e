import { InjectQueue } from '@nestjs/bull';
import { HttpException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { FlowImportJob, FlowImportProgress, QUEUES } from '../../infra/queues/queues';

export interface ImportStatus {
  job_id: string;
  state: string;
  file_name: string;
  progress: FlowImportProgress | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/**
 * CSV imports: the upload is streamed to disk and fsync'd, then a job is queued (Redis, persistent); only then
 * is the request answered. The job reads the file in batches through the ingest pipeline.
 */
@Injectable()
export class FlowImportService {
  constructor(
    @InjectQueue(QUEUES.FLOW_IMPORT) private readonly queue: Queue<FlowImportJob>,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async accept(file: Readable, fileName: string, sensorId: string | null, requestedBy: string | null): Promise<ImportStatus> {
    let readFailed = false;
    file.once('error', () => (readFailed = true));
    const dir = resolve(this.config.get('ingest.importDir', { infer: true }));
    await mkdir(dir, { recursive: true });
    const id = randomUUID();
    const path = join(dir, `${id}.csv`);
    try {
      await pipeline(file, createWriteStream(path)).catch((e: unknown) => {
        // a broken upload is the client's; a failing disk is ours
        throw readFailed || file.errored ? unreadableUpload(e) : e;
      });
      if ((file as Readable & { truncated?: boolean }).truncated) {
        throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'The file exceeds IMPORT_MAX_FILE_MB', {
          details: [{ field: 'file', reason: 'is larger than the configured maximum' }],
        });
      }
      const handle = await open(path, 'r+');
      await handle.sync();
      await handle.close();
      const job = await this.queue.add(
        { path, fileName: fileName.slice(0, 255), sensorId, requestedBy },
        { jobId: id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false },
      );
      return this.describe(job);
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
  }

  async status(id: string): Promise<ImportStatus> {
    const job = await this.queue.getJob(id);
    if (!job) throw DomainError.notFound('Import', id);
    return this.describe(job);
  }

  private async describe(job: Awaited<ReturnType<Queue<FlowImportJob>['getJob']>> & object): Promise<ImportStatus> {
    const progress = job.progress();
    return {
      job_id: String(job.id),
      state: await job.getState(),
      file_name: job.data.fileName,
      progress: typeof progress === 'object' && progress !== null ? (progress as FlowImportProgress) : null,
      error: job.failedReason ?? null,
      created_at: new Date(job.timestamp).toISOString(),
      finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }
}

/** The 400 of a multipart upload that cannot be read (cut short, malformed part headers, …). */
export function unreadableUpload(e: unknown): unknown {
  if (e instanceof DomainError || e instanceof HttpException) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return DomainError.validation([{ field: 'file', reason: `is not a readable multipart upload: ${reason}` }], 'The upload could not be read');
}
