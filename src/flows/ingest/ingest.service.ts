import { Injectable, Logger } from '@nestjs/common';
import { PoolClient } from 'pg';
import { ConfigService } from '@nestjs/config';
import { AlertEventPublisher } from '../../alerts/alert-event.publisher';
import { AppConfig } from '../../config/app-config';
import { InferenceQueue } from '../../inference/inference-queue';
import { ValidatedFlow } from './flow-input';
import { InferenceBatcher } from './inference-batcher';
import { IngestMetrics } from './ingest-metrics';
import { alertForFlow, ClassifiedFlow, IngestWriter, isAttack, WriteOptions, WriteResult } from './ingest-writer.service';
import { FlowClassifier, Verdict, VerdictObserver } from '../../inference/verdict';

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
  /** `full` or `eve`: the model that gave the verdict (null without one). */
  model: string | null;
  /** Share of the 78 features present in the flow (null without a verdict). */
  feature_coverage: number | null;
  /** The model's first class when its training data did not support it on the flow's protocol. */
  unsupported_label: string | null;
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
  /** Flows per model that classified some of them, with the model's version. */
  models: ModelUse[];
}

export interface ModelUse {
  model: string;
  version: string;
  flows: number;
}

/**
 * The ingest pipeline: validated flows → batched inference (concurrent requests share model calls) → one
 * transaction for flows, alerts and rollups → after the commit, alert events for the gateway and auto-response.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly batcher: InferenceBatcher;
  private readonly lowCoverage: { below: number; minConfidence: number };

  constructor(
    private readonly classifier: FlowClassifier,
    private readonly writer: IngestWriter,
    private readonly alertEvents: AlertEventPublisher,
    private readonly metrics: IngestMetrics,
    private readonly observer: VerdictObserver,
    config: ConfigService<AppConfig, true>,
    queue: InferenceQueue,
  ) {
    const ingest = config.get('ingest', { infer: true });
    const model = config.get('model', { infer: true });
    this.lowCoverage = { below: model.minFeatureCoverage, minConfidence: model.lowCoverageAlertMinConfidence };
    this.batcher = new InferenceBatcher(() => this.classifier, {
      maxBatch: ingest.inferenceMaxBatch,
      maxQueued: ingest.inferenceMaxQueued,
    });
    queue.track(() => this.batcher.queuedFlows);
  }

  get queuedFlows(): number {
    return this.batcher.queuedFlows;
  }

  async ingest(flows: ValidatedFlow[], ctx: IngestContext, options: IngestOptions = {}): Promise<IngestOutcome> {
    const inferred = this.metrics.time('inference');
    const vectors = flows.map((f) => f.features);
    const verdicts = await this.batcher.classify(vectors, flows.map((f) => f.protocol));
    inferred();
    const modelVersion = this.classifier.modelVersion;
    const items: ClassifiedFlow[] = flows.map((flow, i) => {
      const v = verdicts[i];
      const alert = this.raisesAlert(v)
        ? alertForFlow(flow, {
            attackType: v.label,
            source: 'model',
            confidence: v.confidence,
            modelVersion: v.modelVersion ?? modelVersion,
            topProbabilities: v.top3,
            explanation: v.explanation,
            anomalyScore: v.anomalyScore,
            details: v.model ? { model: v.model, model_version: v.modelVersion ?? modelVersion, feature_coverage: v.coverage ?? null } : undefined,
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
        model: item.verdict ? (item.verdict.model ?? 'full') : null,
        feature_coverage: item.verdict?.coverage ?? null,
        unsupported_label: item.verdict?.unsupported?.label ?? null,
        alert_id: result.alertIds[i],
      })),
      alertsRaised: result.dedup.raised.length,
      alertsUpdated: result.dedup.updated.length,
      modelVersion,
      models: modelUses(verdicts, modelVersion),
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
    this.observe(ctx, vectors, verdicts);
    return recorded ?? outcomeOf(result);
  }

  /** A model verdict raises an alert when it is an attack; on a low-coverage flow only at the higher confidence. */
  private raisesAlert(v: Verdict): boolean {
    if (!isAttack(v.label)) return false;
    return v.coverage === undefined || v.coverage >= this.lowCoverage.below || v.confidence >= this.lowCoverage.minConfidence;
  }

  /** Persists flows that already carry a verdict from elsewhere (external AI service, Suricata). */
  async ingestClassified(items: ClassifiedFlow[], ctx: IngestContext, options: WriteOptions = {}): Promise<WriteResult> {
    const persisted = this.metrics.time('persist');
    const result = await this.writer.write(items, { source: ctx.source, sensorId: ctx.sensorId, modelVersion: null }, options);
    persisted();
    this.committed(ctx, result);
    return result;
  }

  /** Committed verdicts to the drift monitor; a failure there never fails the acknowledged ingest. */
  private observe(ctx: IngestContext, vectors: Float64Array[], verdicts: Verdict[]): void {
    try {
      this.observer.observe(ctx.source, ctx.sensorId, vectors, verdicts);
    } catch (e) {
      this.logger.warn(`drift monitor failed: ${(e as Error).message}`);
    }
  }

  private committed(ctx: IngestContext, result: WriteResult): void {
    this.metrics.committed(ctx.source, result.flowIds.length, result.dedup.raised.length, result.dedup.updated.length);
    this.alertEvents.ingested(result.dedup);
  }
}

function modelUses(verdicts: readonly Verdict[], fullVersion: string): ModelUse[] {
  const uses = new Map<string, ModelUse>();
  for (const v of verdicts) {
    const model = v.model ?? 'full';
    const version = v.modelVersion ?? fullVersion;
    const key = `${model} ${version}`;
    const use = uses.get(key);
    if (use) use.flows++;
    else uses.set(key, { model, version, flows: 1 });
  }
  return [...uses.values()];
}
