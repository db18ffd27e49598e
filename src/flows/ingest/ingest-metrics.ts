import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import type { IngestSource } from './ingest.service';

/** What an ingest request's time goes to: its model call (queueing behind others included), then its transaction. */
export type IngestStage = 'inference' | 'persist';

export const INGEST_METRICS = {
  flows: 'ids_ingest_flows_total',
  alerts: 'ids_ingest_alerts_total',
  stage: 'ids_ingest_stage_duration_seconds',
} as const;

export const ingestMetricProviders = [
  makeCounterProvider({
    name: INGEST_METRICS.flows,
    help: 'Flows committed, by ingest route (api, batch, csv, stream, eve, external)',
    labelNames: ['source'],
  }),
  makeCounterProvider({
    name: INGEST_METRICS.alerts,
    help: 'Alerts written by ingest, by outcome (raised: a new alert; folded: an open alert that took the batch’s verdicts of its key)',
    labelNames: ['outcome'],
  }),
  makeHistogramProvider({
    name: INGEST_METRICS.stage,
    help: 'Time of one ingest batch in a stage: inference (waiting for and running the model call) or persist (encoding and the transaction up to its commit)',
    labelNames: ['stage'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
];

/** The ingest pipeline's counters and stage timings (every route: API, CSV import, stream, EVE, external verdicts). */
@Injectable()
export class IngestMetrics {
  constructor(
    @InjectMetric(INGEST_METRICS.flows) private readonly flows: Counter<string>,
    @InjectMetric(INGEST_METRICS.alerts) private readonly alerts: Counter<string>,
    @InjectMetric(INGEST_METRICS.stage) private readonly stage: Histogram<string>,
  ) {}

  /** Starts timing a stage; the returned function records it. */
  time(stage: IngestStage): () => void {
    return this.stage.startTimer({ stage });
  }

  committed(source: IngestSource, flows: number, raised: number, folded: number): void {
    if (flows) this.flows.inc({ source }, flows);
    if (raised) this.alerts.inc({ outcome: 'raised' }, raised);
    if (folded) this.alerts.inc({ outcome: 'folded' }, folded);
  }
}
