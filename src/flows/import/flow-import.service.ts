import { InjectQueue } from '@nestjs/bull';
import { HttpException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Job, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { permissionsOf, Principal } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { FlowImportJob, FlowImportProgress, QUEUES } from '../../infra/queues/queues';
import { CsvHeaderCheck } from './csv-header-check';
import { ImportState } from './import-query.dto';

export interface ImportStatus {
  job_id: string;
  state: string;
  file_name: string;
  /** Flow dialect detected from the header at upload. */
  dialect: string | null;
  time_zone: string | null;
  progress: FlowImportProgress | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Jobs read per state to list imports. */
const LIST_SCAN = 1000;

/** Attempts of an import job; only failures outside the file (database, Redis, shutdown) are retried. */
export const IMPORT_ATTEMPTS = 5;

/**
 * CSV imports: the upload's header is checked as it arrives (a file that is not a CICFlowMeter CSV, or lacks
 * columns, gets its 400 before anything is queued), the file is streamed to disk and fsync'd, then a job is
 * queued (Redis, persistent); only then is the request answered. The job reads the file in batches through the
 * ingest pipeline. A sensor key sees only its own imports.
 */
@Injectable()
export class FlowImportService {
  constructor(
    @InjectQueue(QUEUES.FLOW_IMPORT) private readonly queue: Queue<FlowImportJob>,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** `principal` null: the system (the command-line tool), which owns no import and reads every one. */
  async accept(file: Readable, fileName: string, principal: Principal | null, timeZone: string | null): Promise<ImportStatus> {
    const sensorId = principal?.kind === 'api_key' ? principal.id : null;
    const requestedBy = principal?.kind === 'user' ? principal.id : null;
    let readFailed = false;
    file.once('error', () => (readFailed = true));
    const dir = resolve(this.config.get('ingest.importDir', { infer: true }));
    await mkdir(dir, { recursive: true });
    const id = randomUUID();
    const path = join(dir, `${id}.csv`);
    const header = new CsvHeaderCheck();
    try {
      await pipeline(file, header, createWriteStream(path)).catch((e: unknown) => {
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
      if (!header.header) throw DomainError.validation([{ field: 'file', reason: 'is empty' }]);
      const job = await this.queue.add(
        { path, fileName: fileName.slice(0, 255), sensorId, requestedBy, dialect: header.header.dialect, timeZone },
        { jobId: id, attempts: IMPORT_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false },
      );
      return this.describe(job);
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
  }

  /** An import's status; another sensor's import is not found (staff with SYSTEM_CONFIG read every import). */
  async status(id: string, principal: Principal | null): Promise<ImportStatus> {
    const job = await this.queue.getJob(id);
    if (!job || !mayRead(principal, job.data)) throw DomainError.notFound('Import', id);
    return this.describe(job);
  }

  /**
   * The newest imports the caller may read, newest first: among the last {@link LIST_SCAN} jobs the queue keeps per
   * state, so an import older than that is only found by its id.
   */
  async list(principal: Principal, states: readonly ImportState[], limit: number): Promise<ImportStatus[]> {
    const jobs = await this.queue.getJobs([...states], 0, LIST_SCAN - 1);
    const mine = jobs.filter((job): job is Job<FlowImportJob> => !!job && mayRead(principal, job.data));
    mine.sort((a, b) => b.timestamp - a.timestamp || String(b.id).localeCompare(String(a.id)));
    return Promise.all(mine.slice(0, limit).map((job) => this.describe(job)));
  }

  private async describe(read: Job<FlowImportJob>): Promise<ImportStatus> {
    const state = await read.getState();
    // the job was read before it finished: read it again for its outcome (error, finish time)
    const job = (state === 'completed' || state === 'failed') && !read.finishedOn ? ((await this.queue.getJob(read.id)) ?? read) : read;
    const progress = job.progress();
    return {
      job_id: String(job.id),
      state,
      file_name: job.data.fileName,
      dialect: job.data.dialect ?? null,
      time_zone: job.data.timeZone ?? null,
      progress: typeof progress === 'object' && progress !== null ? (progress as FlowImportProgress) : null,
      error: job.failedReason ?? null,
      created_at: new Date(job.timestamp).toISOString(),
      finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }
}

function mayRead(principal: Principal | null, job: FlowImportJob): boolean {
  if (principal === null) return true;
  if (principal.kind === 'api_key') return job.sensorId === principal.id;
  return permissionsOf(principal).has(Permission.SYSTEM_CONFIG) || job.requestedBy === principal.id;
}

/** The 400 of a multipart upload that cannot be read (cut short, malformed part headers, …). */
export function unreadableUpload(e: unknown): unknown {
  if (e instanceof DomainError || e instanceof HttpException) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return DomainError.validation([{ field: 'file', reason: `is not a readable multipart upload: ${reason}` }], 'The upload could not be read');
}
