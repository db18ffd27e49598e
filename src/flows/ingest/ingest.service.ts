import { Injectable, Logger } from '@nestjs/common';
import { PoolClient } from 'pg';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../../alerts/alert.events';
import { toAlertDto } from '../../alerts/dto/alert.dto';
import { AppConfig } from '../../config/app-config';
import { ValidatedFlow } from './flow-input';
import { InferenceBatcher } from './inference-batcher';
import { IngestMetrics } from './ingest-metrics';
import { alertForFlow, ClassifiedFlow, IngestWriter, isAttack, WriteOptions, WriteResult } from './ingest-writer.service';
import { FlowClassifier } from './verdict';

export type IngestSource = 'api' | 'batch' | 'csv' | 'stream' | 'eve' | 'external';

export interface IngestContext {
  source: IngestSource;
  sensorId: string | null;
}

export interface IngestedFlow {
  id: string;
  flow_id: string | null;
  label: string | null;
  confidence: number | null;
  anomaly_score: number | null;
  alert_id: string | null;
}

export interface IngestOptions extends WriteOptions {
  /** Called in the transaction, before the commit, with the answer the request will get. */
  recordOutcome?: (client: PoolClient, outcome: IngestOutcome) => Promise<void>;
}

export interface IngestOutcome {
  flows: IngestedFlow[];
  alertsRaised: number;
  alertsUpdated: number;
  modelVersion: string;
}

/**
 * The ingest pipeline: validated flows → batched inference (concurrent requests share model calls) → one
 * transaction for flows, alerts and rollups → after the commit, alert events for the gateway and auto-response.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly batcher: InferenceBatcher;

  constructor(
    private readonly classifier: FlowClassifier,
    private readonly writer: IngestWriter,
    private readonly events: EventEmitter2,
    private readonly metrics: IngestMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    const ingest = config.get('ingest', { infer: true });
    this.batcher = new InferenceBatcher(() => this.classifier, {
      maxBatch: ingest.inferenceMaxBatch,
      maxQueued: ingest.inferenceMaxQueued,
    });
  }

  get queuedFlows(): number {
    return this.batcher.queuedFlows;
  }

  async ingest(flows: ValidatedFlow[], ctx: IngestContext, options: IngestOptions = {}): Promise<IngestOutcome> {
    const inferred = this.metrics.time('inference');
    const verdicts = await this.batcher.classify(flows.map((f) => f.features));
    inferred();
    const modelVersion = this.classifier.modelVersion;
    const items: ClassifiedFlow[] = flows.map((flow, i) => {
      const v = verdicts[i];
      const alert = isAttack(v.label)
        ? alertForFlow(flow, {
            attackType: v.label,
            source: 'model',
            confidence: v.confidence,
            modelVersion,
            topProbabilities: v.top3,
            explanation: v.explanation,
            anomalyScore: v.anomalyScore,
          })
        : null;
      return { flow, verdict: v, alert };
    });
    const outcomeOf = (result: WriteResult): IngestOutcome => ({
      flows: items.map((item, i) => ({
        id: result.flowIds[i],
        flow_id: item.flow.flowId,
        label: item.verdict?.label ?? null,
        confidence: item.verdict?.confidence ?? null,
        anomaly_score: item.verdict?.anomalyScore ?? null,
        alert_id: result.alertIds[i],
      })),
      alertsRaised: result.dedup.raised.length,
      alertsUpdated: result.dedup.updated.length,
      modelVersion,
    });
    const { recordOutcome, ...writeOptions } = options;
    let recorded: IngestOutcome | undefined;
    const persisted = this.metrics.time('persist');
    const result = await this.writer.write(
      items,
      { source: ctx.source, sensorId: ctx.sensorId, modelVersion },
      recordOutcome
        ? {
            ...writeOptions,
            beforeCommit: async (client, written) => {
              await writeOptions.beforeCommit?.(client, written);
              recorded = outcomeOf(written);
              await recordOutcome(client, recorded);
            },
          }
        : writeOptions,
    );
    persisted();
    this.committed(ctx, result);
    return recorded ?? outcomeOf(result);
  }

  /** Persists flows that already carry a verdict from elsewhere (external AI service, Suricata). */
  async ingestClassified(items: ClassifiedFlow[], ctx: IngestContext, options: WriteOptions = {}): Promise<WriteResult> {
    const persisted = this.metrics.time('persist');
    const result = await this.writer.write(items, { source: ctx.source, sensorId: ctx.sensorId, modelVersion: null }, options);
    persisted();
    this.committed(ctx, result);
    return result;
  }

  private committed(ctx: IngestContext, result: WriteResult): void {
    this.metrics.committed(ctx.source, result.flowIds.length, result.dedup.raised.length, result.dedup.updated.length);
    this.publish(result, null);
  }

  /**
   * Emits the committed alert changes, as the transaction wrote them; a failure here never undoes or fails the
   * acknowledged ingest.
   */
  private publish(result: WriteResult, actorId: string | null): void {
    const { raised, rows } = result.dedup;
    const fresh = new Set(raised);
    try {
      for (const a of rows) {
        if (fresh.has(a.id)) this.events.emit(AlertEvents.RAISED, { alert: toAlertDto(a) } satisfies AlertRaisedEvent);
        else this.events.emit(AlertEvents.UPDATED, { alert: toAlertDto(a), change: 'deduplicated', actor_id: actorId } satisfies AlertUpdatedEvent);
      }
    } catch (e) {
      this.logger.warn(`alert events not published: ${(e as Error).message}`);
    }
  }
}
