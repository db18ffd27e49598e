import { Process, Processor } from '@nestjs/bull';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bull';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { FlowCsvReader, FlowRow } from '../../inference/pipeline';
import { FlowImportJob, FlowImportProgress, QUEUES } from '../../infra/queues/queues';
import { NetParseError, parseIp } from '../../core/net';
import { ValidatedFlow } from '../ingest/flow-input';
import { IngestService } from '../ingest/ingest.service';

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

/** CIC-IDS2017 writes timestamps as `7/7/2017 8:59` or `07/07/2017 08:59:50` (day first in some files). */
function timestamp(value: string | undefined): Date | null {
  if (!value) return null;
  const iso = Date.parse(value);
  if (!Number.isNaN(iso)) return new Date(iso);
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(value.trim());
  if (!m) return null;
  const [, a, b, y, h, min, s] = m.map(Number);
  const [day, month] = a > 12 ? [a, b] : [b, a];
  return new Date(Date.UTC(y, month - 1, day, h, min, s || 0));
}

export function toValidatedFlow(row: FlowRow): ValidatedFlow {
  const port = (p: number | undefined) => (p !== undefined && Number.isInteger(p) && p >= 0 && p <= 65535 ? p : null);
  return {
    flowId: row.meta.flowId?.slice(0, 128) ?? null,
    srcIp: address(row.meta.srcIp),
    dstIp: address(row.meta.dstIp),
    srcPort: port(row.meta.srcPort),
    dstPort: port(row.meta.dstPort),
    protocol: row.meta.protocol !== undefined && row.meta.protocol >= 0 && row.meta.protocol <= 255 ? row.meta.protocol : null,
    timestamp: timestamp(row.meta.timestamp),
    features: row.features,
  };
}

/**
 * Imports an uploaded CSV through the ingest pipeline, a batch per transaction. After each committed batch the
 * job records how many rows are done, so a retried job (process restart, database outage) resumes after them.
 * When the application shuts down, a running import stops after its current batch and fails this attempt, which
 * puts it back in the queue (with the job's backoff) to resume where it stopped.
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
    const started = Date.now();
    this.logger.log(`import ${job.id} (${job.data.fileName}) started`);
    const total = (await stat(job.data.path)).size;
    const input = createReadStream(job.data.path);
    const reader = new FlowCsvReader(input, { requireLabel: false });
    const previous = (job.progress() as FlowImportProgress | number) || null;
    const progress: FlowImportProgress = typeof previous === 'object' && previous
      ? { ...previous }
      : { rows: 0, skipped: 0, flows_stored: 0, alerts_raised: 0, alerts_updated: 0, bytes_read: 0, bytes_total: total };
    let seen = 0;
    const resumeAfter = job.data.committedRows ?? 0;
    for await (const batch of reader.batches(BATCH)) {
      if (this.stopping) {
        input.destroy();
        this.logger.log(`import ${job.id} interrupted by shutdown after ${seen} rows: back to the queue`);
        throw new Error(`interrupted by shutdown after ${seen} rows; resumes from there`);
      }
      const fresh = batch.slice(Math.max(0, resumeAfter - seen));
      seen += batch.length;
      if (fresh.length === 0) continue;
      const outcome = await this.ingest.ingest(fresh.map(toValidatedFlow), { source: 'csv', sensorId: job.data.sensorId });
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
    await rm(job.data.path, { force: true });
    this.logger.log(`import ${job.id} done: ${progress.flows_stored} flows, ${progress.skipped} rows skipped in ${Date.now() - started} ms`);
    return progress;
  }
}
