import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { FlowClassifier, Verdict } from '../flows/ingest/verdict';
import { INFERENCE_METRICS } from './inference.metrics';
import { ModelRuntime, ModelRuntimeInfo } from './model-runtime.service';
import { Prediction } from './model/detection-model';

/**
 * A prediction as the ingest pipeline's verdict. The evidence (top classes, explanation) and the processed
 * features are read from the prediction when asked for: for the few flows that raise alerts, and while a flow is
 * encoded for COPY, so nothing per flow is made ahead of time for the many that need none of it.
 */
class PredictionVerdict implements Verdict {
  readonly label: string;
  readonly confidence: number;
  readonly anomalyScore: number;

  constructor(private readonly prediction: Prediction) {
    this.label = prediction.label;
    this.confidence = prediction.confidence;
    this.anomalyScore = prediction.anomalyScore;
  }

  get top3() {
    return this.prediction.top3;
  }

  get explanation() {
    return this.prediction.explanation;
  }

  get processed() {
    return this.prediction.input;
  }
}

/**
 * The detection model behind the ingest pipeline: the active model version answers; an optional shadow version
 * scores the same flows afterwards (never raising alerts) and its agreement is exported as metrics.
 */
@Injectable()
export class ModelClassifier extends FlowClassifier implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelClassifier.name);
  readonly active = new ModelRuntime();
  private shadow: ModelRuntime | null = null;
  private shadowBusy = false;
  private compared = 0;
  private agreed = 0;
  private readonly threaded: boolean;

  constructor(
    config: ConfigService<AppConfig, true>,
    @InjectMetric(INFERENCE_METRICS.duration) private readonly duration: Histogram<string>,
    @InjectMetric(INFERENCE_METRICS.batchSize) private readonly batchSize: Histogram<string>,
    @InjectMetric(INFERENCE_METRICS.predictions) private readonly predictions: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.modelInfo) private readonly modelInfo: Gauge<string>,
    @InjectMetric(INFERENCE_METRICS.shadowCompared) private readonly shadowCompared: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowAgreed) private readonly shadowAgreed: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowDisagreed) private readonly shadowDisagreed: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowAgreement) private readonly shadowAgreement: Gauge<string>,
  ) {
    super();
    this.threaded = config.get('ingest', { infer: true }).inferenceThread;
    this.active.runInThread(this.threaded);
    this.active.onPrediction((e) => {
      this.duration.observe(e.durationMs / 1000);
      this.batchSize.observe(e.flows);
      const perClass = new Map<string, number>();
      for (const p of e.predictions) perClass.set(p.label, (perClass.get(p.label) ?? 0) + 1);
      for (const [label, n] of perClass) this.predictions.inc({ class: label }, n);
    });
  }

  get modelVersion(): string {
    return this.active.isLoaded() ? this.active.info().version : 'none';
  }

  get backend(): string | null {
    return this.active.isLoaded() ? this.active.info().backend : null;
  }

  get shadowVersion(): string | null {
    return this.shadow?.isLoaded() ? this.shadow.info().version : null;
  }

  info(): ModelRuntimeInfo | null {
    return this.active.isLoaded() ? this.active.info() : null;
  }

  /** Loads `dir` as the active version (in-flight calls finish on the previous one). */
  async activate(dir: string): Promise<ModelRuntimeInfo> {
    const info = await this.active.load(dir);
    this.modelInfo.reset();
    this.modelInfo.set({ version: info.version, backend: info.backend }, 1);
    return info;
  }

  /** Loads `dir` as the shadow version, or removes the shadow with null. */
  async setShadow(dir: string | null): Promise<string | null> {
    const previous = this.shadow;
    if (dir === null) {
      this.shadow = null;
    } else {
      const next = new ModelRuntime();
      next.runInThread(this.threaded);
      await next.load(dir);
      this.shadow = next;
    }
    previous?.onApplicationShutdown();
    this.compared = 0;
    this.agreed = 0;
    return this.shadowVersion;
  }

  async classify(vectors: Float64Array[]): Promise<Verdict[]> {
    const predictions = await this.active.predict(vectors, { explain: 'attacks' });
    this.compareWithShadow(vectors, predictions);
    return predictions.map((p) => new PredictionVerdict(p));
  }

  onApplicationShutdown(): void {
    this.active.onApplicationShutdown();
    this.shadow?.onApplicationShutdown();
  }

  /** Scores the batch with the shadow model after the answer, one batch at a time (others are skipped). */
  private compareWithShadow(vectors: Float64Array[], verdicts: Prediction[]): void {
    const shadow = this.shadow;
    if (!shadow || this.shadowBusy) return;
    this.shadowBusy = true;
    shadow
      .predict(vectors, { explain: false })
      .then((shadowVerdicts) => {
        shadowVerdicts.forEach((s, i) => {
          const a = verdicts[i].label;
          this.compared++;
          if (s.label === a) this.agreed++;
          else this.shadowDisagreed.inc({ active_class: a, shadow_class: s.label });
        });
        this.shadowCompared.inc(shadowVerdicts.length);
        this.shadowAgreed.inc(shadowVerdicts.filter((s, i) => s.label === verdicts[i].label).length);
        this.shadowAgreement.set(this.compared ? this.agreed / this.compared : 0);
      })
      .catch((e) => this.logger.warn(`shadow model failed: ${(e as Error).message}`))
      .finally(() => (this.shadowBusy = false));
  }
}
