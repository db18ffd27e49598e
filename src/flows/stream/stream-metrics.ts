import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';

export type ReadVia = 'read' | 'claim';
export type DeadReason = 'invalid' | 'failed' | 'deliveries';

export const streamMetricProviders = [
  makeCounterProvider({
    name: 'ids_stream_entries_read_total',
    help: 'Ingest stream entries received, by how (read: new entries; claim: reclaimed from a dead consumer)',
    labelNames: ['via'],
  }),
  makeCounterProvider({ name: 'ids_stream_entries_acked_total', help: 'Ingest stream entries acknowledged (XACK)' }),
  makeCounterProvider({
    name: 'ids_stream_entries_dead_total',
    help: 'Ingest stream entries sent to the dead-letter stream, by reason',
    labelNames: ['reason'],
  }),
  makeHistogramProvider({
    name: 'ids_stream_batch_duration_seconds',
    help: 'Time to process one ingest stream batch: validation, inference, commit, publish and XACK',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
];

/** The stream consumer's counters and batch timing. */
@Injectable()
export class StreamMetrics {
  constructor(
    @InjectMetric('ids_stream_entries_read_total') private readonly read: Counter<string>,
    @InjectMetric('ids_stream_entries_acked_total') private readonly acked: Counter<string>,
    @InjectMetric('ids_stream_entries_dead_total') private readonly dead: Counter<string>,
    @InjectMetric('ids_stream_batch_duration_seconds') private readonly duration: Histogram<string>,
  ) {}

  entriesRead(via: ReadVia, count: number): void {
    if (count) this.read.inc({ via }, count);
  }

  entriesAcked(count: number): void {
    if (count) this.acked.inc(count);
  }

  entriesDead(reason: DeadReason, count: number): void {
    if (count) this.dead.inc({ reason }, count);
  }

  batchTimer(): () => void {
    return this.duration.startTimer();
  }
}
