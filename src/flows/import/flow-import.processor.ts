import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bull';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { DATE_ORDER, FLOW_DIALECTS, FlowCsvReader, FlowDialect, FlowRow } from '../../core/features';
import { FlowImportJob, FlowImportProgress, QUEUES } from '../../infra/queues/queues';
import { NetParseError, parseIp } from '../../core/net';
import { ValidatedFlow } from '../ingest/flow-input';
import { IngestService } from '../ingest/ingest.service';
import { FlowTimestampParser } from './flow-timestamp';

const BATCH = 1000;

function address(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return parseIp(value.trim()).address;
  } catch (e) {
    if (e instanceof NetParseError) return null;
    throw e;
  }
}

export function toValidatedFlow(row: FlowRow, timestamps: FlowTimestampParser): ValidatedFlow {
  const port = (p: number | undefined) => (p !== undefined && Number.isInteger(p) && p >= 0 && p <= 65535 ? p : null);
  return {
    flowId: row.meta.flowId?.slice(0, 128) ?? null,
    srcIp: address(row.meta.srcIp),
    dstIp: address(row.meta.dstIp),
    srcPort: port(row.meta.srcPort),
    dstPort: port(row.meta.dstPort),
    protocol: row.meta.protocol !== undefined && row.meta.protocol >= 0 && row.meta.protocol <= 255 ? row.meta.protocol : null,
    timestamp: timestamps.parse(row.meta.timestamp),
    features: row.features,
  };
}

/** A failure of the file itself (unreadable, malformed CSV, gone): retrying cannot help. */
class UnreadableImportError extends Error {}

function timestampParser(data: FlowImportJob): FlowTimestampParser {
  const dialect = FLOW_DIALECTS.find((d) => d === data.dialect) as FlowDialect | undefined;
  return new FlowTimestampParser({
    dayFirst: dialect !== undefined && DATE_ORDER[dialect] === 'day-first',
    timeZone: data.timeZone ?? undefined,
  });
}

/**
 * Imports an uploaded CSV through the ingest pipeline, a batch per transaction. After each committed batch the
 * job records how many rows are done, so a retried job (process restart, database outage) resumes after them.
 * When the application shuts down, a running import stops after its current batch and fails this attempt, which
 * puts it back in the queue (with the job's backoff) to resume where it stopped. A failure of the file itself is
 * not retried; the upload is deleted once the job completes or fails for good.
 */
@Processor(QUEUES.FLOW_IMPORT)
export class FlowImportProcessor implements OnModuleDestroy {
  private readonly logger = new Logger(FlowImportProcessor.name);
  private stopping = false;

  constructor(private readonly ingest: IngestService) {}

  onModuleDestroy(): void {
    this.stopping = true;
  }

  @Process({ concurrency: 1 })
  async run(job: Job<FlowImportJob>): Promise<FlowImportProgress> {
    try {
      const progress = await this.importFile(job);
      await rm(job.data.path, { force: true });
      return progress;
    } catch (e) {
      if (e instanceof UnreadableImportError) await job.discard();
      throw e;
    }
  }

  /** Every failure, a stalled job's included: once the job failed for good (not retried), its upload goes. */
  @OnQueueFailed()
  async failed(job: Job<FlowImportJob>, error: Error): Promise<void> {
    try {
      if ((await job.getState()) !== 'failed') return;
      await rm(job.data.path, { force: true });
      this.logger.warn(`import ${job.id} failed for good after ${job.attemptsMade} attempt(s), upload deleted: ${error.message}`);
    } catch (e) {
      this.logger.error(`import ${job.id} failed; its upload could not be deleted: ${(e as Error).message}`);
    }
  }

  private async importFile(job: Job<FlowImportJob>): Promise<FlowImportProgress> {
    const started = Date.now();
    this.logger.log(`import ${job.id} (${job.data.fileName}, ${job.data.dialect ?? 'dialect unknown'}) started`);
    const total = await stat(job.data.path).then(
      (s) => s.size,
      (e: NodeJS.ErrnoException) => {
        throw e.code === 'ENOENT' ? new UnreadableImportError('the uploaded file is gone') : e;
      },
    );
    const input = createReadStream(job.data.path);
    const reader = new FlowCsvReader(input, { requireLabel: false });
    const timestamps = timestampParser(job.data);
    const previous = (job.progress() as FlowImportProgress | number) || null;
    const progress: FlowImportProgress = typeof previous === 'object' && previous
      ? { ...previous }
      : { rows: 0, skipped: 0, flows_stored: 0, alerts_raised: 0, alerts_updated: 0, bytes_read: 0, bytes_total: total };
    let seen = 0;
    const resumeAfter = job.data.committedRows ?? 0;
    const batches = reader.batches(BATCH)[Symbol.asyncIterator]();
    for (let batch = await nextBatch(batches); batch; batch = await nextBatch(batches)) {
      if (this.stopping) {
        input.destroy();
        this.logger.log(`import ${job.id} interrupted by shutdown after ${seen} rows: back to the queue`);
        throw new Error(`interrupted by shutdown after ${seen} rows; resumes from there`);
      }
      const fresh = batch.slice(Math.max(0, resumeAfter - seen));
      seen += batch.length;
      if (fresh.length === 0) continue;
      const flows = fresh.map((row) => toValidatedFlow(row, timestamps));
      const outcome = await this.ingest.ingest(flows, { source: 'csv', sensorId: job.data.sensorId });
      progress.rows = seen;
      progress.skipped = reader.stats.skipped;
      progress.flows_stored += outcome.flows.length;
      progress.alerts_raised += outcome.alertsRaised;
      progress.alerts_updated += outcome.alertsUpdated;
      progress.bytes_read = input.bytesRead;
      await job.update({ ...job.data, committedRows: seen });
      await job.progress(progress);
    }
    progress.skipped = reader.stats.skipped;
    progress.bytes_read = total;
    await job.progress(progress);
    this.logger.log(`import ${job.id} done: ${progress.flows_stored} flows, ${progress.skipped} rows skipped in ${Date.now() - started} ms`);
    return progress;
  }
}

/** The next batch of the file; a read or parse error is the file's (not retried). */
async function nextBatch(batches: AsyncIterator<FlowRow[]>): Promise<FlowRow[] | undefined> {
  try {
    const next = await batches.next();
    return next.done ? undefined : next.value;
  } catch (e) {
    throw new UnreadableImportError(e instanceof Error ? e.message : String(e));
  }
}
