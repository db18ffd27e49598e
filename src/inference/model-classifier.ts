import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../core/domain-error';
import { FlowClassifier, Verdict } from '../flows/ingest/verdict';
import { ReadinessRegistry } from '../infra/health/readiness.registry';
import { BackendName, selectBackend } from './model/backend-selector';
import { DetectionModel } from './model/detection-model';
import { loadDetectionModel, ModelManifest } from './model/model-artifact';

interface Loaded {
  model: DetectionModel;
  manifest: ModelManifest;
  dir: string;
  loadedAt: Date;
}

/**
 * The detection model behind the ingest pipeline. Loads a model version directory at start-up (tfjs-node when
 * installed, else WebAssembly, else CPU), warms it up, and swaps versions without dropping in-flight requests:
 * the new version is loaded and warmed first, then replaces the reference; the old one is disposed once the
 * calls that hold it have finished.
 */
@Injectable()
export class ModelClassifier extends FlowClassifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ModelClassifier.name);
  private current: Loaded | null = null;
  private backendName: BackendName | null = null;
  private inFlight = new Map<DetectionModel, number>();
  private loadError: string | null = null;

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    readiness: ReadinessRegistry,
  ) {
    super();
    readiness.register('model', async () => {
      if (!this.current) throw new Error(this.loadError ?? 'no model loaded');
      return { version: this.current.manifest.version, backend: this.backendName };
    });
  }

  get modelVersion(): string {
    return this.current?.manifest.version ?? 'none';
  }

  get backend(): BackendName | null {
    return this.backendName;
  }

  get loaded(): Loaded | null {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    this.backendName = await selectBackend();
    this.logger.log(`tfjs backend: ${this.backendName}`);
    try {
      await this.load(this.config.get('model.dir', { infer: true }));
    } catch (e) {
      this.loadError = `model not loaded: ${(e as Error).message}`;
      this.logger.error(this.loadError);
    }
  }

  /** Loads, warms up and activates the model in `dir`; returns its manifest. */
  async load(dir: string): Promise<ModelManifest> {
    const { model, manifest } = await loadDetectionModel(dir);
    await model.warmUp();
    const previous = this.current;
    this.current = { model, manifest, dir, loadedAt: new Date() };
    this.loadError = null;
    this.logger.log(`model ${manifest.version} active (${dir})`);
    if (previous) this.retire(previous.model);
    return manifest;
  }

  async classify(vectors: Float64Array[]): Promise<Verdict[]> {
    const loaded = this.current;
    if (!loaded) {
      throw new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, 'No detection model is loaded', { retryAfter: 30 });
    }
    const { model } = loaded;
    this.inFlight.set(model, (this.inFlight.get(model) ?? 0) + 1);
    try {
      const predictions = await model.predict(vectors);
      const width = model.parts.transform.outputSize;
      const processed = model.parts.transform.applyBatch(vectors);
      return predictions.map((p, i) => ({
        label: p.label,
        confidence: p.confidence,
        top3: p.top3,
        explanation: p.explanation,
        anomalyScore: p.anomalyScore,
        processed: processed.subarray(i * width, (i + 1) * width),
      }));
    } finally {
      this.release(model);
    }
  }

  onApplicationShutdown(): void {
    this.current?.model.dispose();
  }

  private release(model: DetectionModel): void {
    const left = (this.inFlight.get(model) ?? 1) - 1;
    if (left > 0) return void this.inFlight.set(model, left);
    this.inFlight.delete(model);
    if (model !== this.current?.model && this.retiring.has(model)) {
      this.retiring.delete(model);
      model.dispose();
    }
  }

  private readonly retiring = new Set<DetectionModel>();

  private retire(model: DetectionModel): void {
    if (this.inFlight.has(model)) this.retiring.add(model);
    else model.dispose();
  }
}
