import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { FlowClassifier, ModelKind, Verdict } from './verdict';
import { INFERENCE_METRICS } from './inference.metrics';
import { ModelRuntime, ModelRuntimeInfo } from './model-runtime.service';
import { Prediction } from './model/detection-model';
import { featureCoverage } from '../core/features/eve-projection';

/**
 * A prediction as the ingest pipeline's verdict. The evidence (top classes, explanation) and the processed
 * features are read from the prediction when asked for: for the few flows that raise alerts, and while a flow is
 * encoded for COPY, so nothing per flow is made ahead of time for the many that need none of it.
 */
class PredictionVerdict implements Verdict {
  readonly label: string;
  readonly confidence: number;
  readonly anomalyScore: number;

  constructor(
    private readonly prediction: Prediction,
    readonly model: ModelKind,
    readonly modelVersion: string,
    readonly coverage: number,
  ) {
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

  get unsupported() {
    return this.prediction.unsupported;
  }
}

/**
 * The detection model behind the ingest pipeline: the active model version answers for flows that carry enough
 * features (coverage at least MODEL_MIN_FEATURE_COVERAGE); the EVE model, trained on the features a Suricata flow
 * record supplies, answers for the others (docs/eve-model.md). An optional shadow version scores the full model's
 * flows afterwards (never raising alerts) and its agreement is exported as metrics.
 */
@Injectable()
export class ModelClassifier extends FlowClassifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelClassifier.name);
  readonly active = new ModelRuntime();
  /** The EVE model (loaded from EVE_MODEL_DIR at start-up); while it is not loaded every flow goes to `active`. */
  readonly eve = new ModelRuntime();
  private shadow: ModelRuntime | null = null;
  private shadowBusy = false;
  private compared = 0;
  private agreed = 0;
  private readonly threaded: boolean;
  private readonly models: AppConfig['model'];

  constructor(
    config: ConfigService<AppConfig, true>,
    @InjectMetric(INFERENCE_METRICS.duration) private readonly duration: Histogram<string>,
    @InjectMetric(INFERENCE_METRICS.batchSize) private readonly batchSize: Histogram<string>,
    @InjectMetric(INFERENCE_METRICS.predictions) private readonly predictions: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.unsupported) private readonly unsupported: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.modelInfo) private readonly modelInfo: Gauge<string>,
    @InjectMetric(INFERENCE_METRICS.shadowCompared) private readonly shadowCompared: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowAgreed) private readonly shadowAgreed: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowDisagreed) private readonly shadowDisagreed: Counter<string>,
    @InjectMetric(INFERENCE_METRICS.shadowAgreement) private readonly shadowAgreement: Gauge<string>,
  ) {
    super();
    this.threaded = config.get('ingest', { infer: true }).inferenceThread;
    this.models = config.get('model', { infer: true });
    for (const [runtime, model] of [[this.active, 'full'], [this.eve, 'eve']] as const) {
      runtime.runInThread(this.threaded);
      runtime.onPrediction((e) => {
        this.duration.observe(e.durationMs / 1000);
        this.batchSize.observe(e.flows);
        const perClass = new Map<string, number>();
        const setAside = new Map<string, number>();
        for (const p of e.predictions) {
          perClass.set(p.label, (perClass.get(p.label) ?? 0) + 1);
          const first = p.unsupported?.label;
          if (first) setAside.set(first, (setAside.get(first) ?? 0) + 1);
        }
        for (const [label, n] of perClass) this.predictions.inc({ class: label, model }, n);
        for (const [label, n] of setAside) this.unsupported.inc({ class: label, model }, n);
      });
    }
  }

  /** Loads the EVE model; without it (no directory, or it fails to load) low-coverage flows go to the full model. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.models.eveDir) return;
    try {
      const info = await this.eve.load(this.models.eveDir);
      this.logger.log(`EVE model ${info.version} loaded for flows with feature coverage below ${this.models.minFeatureCoverage}`);
    } catch (e) {
      this.logger.error(`EVE model not loaded from ${this.models.eveDir}: ${(e as Error).message}; every flow goes to the full model`);
    }
  }

  get eveVersion(): string | null {
    return this.eve.isLoaded() ? this.eve.info().version : null;
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

  /**
   * Scores each flow with the model its feature coverage calls for: the full model at or above the threshold, the
   * EVE model (when loaded) below it; both calls run at once, each on its own inference thread. Each flow's IP
   * protocol, when known, limits its verdict to the classes the model's training data supports on it.
   */
  async classify(vectors: Float64Array[], protocols?: readonly (number | null)[]): Promise<Verdict[]> {
    const coverage = vectors.map(featureCoverage);
    const threshold = this.models.minFeatureCoverage;
    const low: number[] = [];
    const high: number[] = [];
    if (this.eve.isLoaded()) coverage.forEach((c, i) => (c < threshold ? low : high).push(i));
    const fullVersion = this.modelVersion;
    if (low.length === 0) {
      const predictions = await this.active.predict(vectors, { explain: 'attacks', protocols });
      this.compareWithShadow(vectors, predictions);
      return predictions.map((p, i) => new PredictionVerdict(p, 'full', fullVersion, coverage[i]));
    }
    const pick = (rows: number[]) => rows.map((i) => vectors[i]);
    const protocolsOf = (rows: number[]) => (protocols ? rows.map((i) => protocols[i]) : undefined);
    const eveVersion = this.eve.info().version;
    const [full, eve] = await Promise.all([
      high.length ? this.active.predict(pick(high), { explain: 'attacks', protocols: protocolsOf(high) }) : Promise.resolve([]),
      this.eve.predict(pick(low), { explain: 'attacks', protocols: protocolsOf(low) }),
    ]);
    if (high.length) this.compareWithShadow(pick(high), full);
    const verdicts: Verdict[] = new Array(vectors.length);
    high.forEach((i, k) => (verdicts[i] = new PredictionVerdict(full[k], 'full', fullVersion, coverage[i])));
    low.forEach((i, k) => (verdicts[i] = new PredictionVerdict(eve[k], 'eve', eveVersion, coverage[i])));
    return verdicts;
  }

  onApplicationShutdown(): void {
    this.active.onApplicationShutdown();
    this.eve.onApplicationShutdown();
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
