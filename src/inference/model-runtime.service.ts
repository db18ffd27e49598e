import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode } from '../core/domain-error';
import { FEATURE_COUNT, FEATURE_NAMES } from '../core/features/feature-names';
import type { BackendName } from './model/backend-selector';
import { DomainBoundary, readDomainBoundary } from './model/domain-boundary';
import type { Prediction, PredictOptions } from './model/detection-model';
import type { ModelManifest } from './model/model-artifact';
import type { ModelPredictor } from './model/model-thread';

export interface ModelRuntimeInfo {
  version: string;
  backend: BackendName;
  labels: string[];
  featureNames: string[];
  /** Width of the model input after the fitted transform. */
  inputSize: number;
  dir: string;
  loadedAt: Date;
  /** Where the training domain ends on the anomaly score (the model-drift alarm's boundary). */
  domain: DomainBoundary;
}

/** What a metrics or shadow-comparison hook receives after every batch. */
export interface PredictionEvent {
  version: string;
  backend: BackendName;
  flows: number;
  durationMs: number;
  predictions: readonly Prediction[];
}

export type PredictionListener = (event: PredictionEvent) => void;

/** A loaded model version and the calls that currently use it. */
interface Slot {
  model: ModelPredictor;
  manifest: ModelManifest;
  domain: DomainBoundary;
  backend: BackendName;
  dir: string;
  loadedAt: Date;
  inFlight: number;
  retired: boolean;
}

/**
 * Runs one model version at a time on the best tfjs backend (tfjs-node, else WebAssembly, else CPU), in this thread or,
 * after `runInThread(true)`, in a worker thread of its own (see {@link ModelThread}). `load` swaps versions without
 * dropping requests: the new version is loaded and warmed up first, then replaces the reference in one assignment; the
 * old one is disposed when the calls already using it have finished. A shadow model is a second instance of this class;
 * `onPrediction` hooks receive every batch for metrics or comparison. TensorFlow.js is only imported by the first
 * `load`, so importing this class has no side effects.
 */
@Injectable()
export class ModelRuntime implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelRuntime.name);
  private active: Slot | undefined;
  private backend: BackendName | undefined;
  private backendPreference: readonly BackendName[] | undefined;
  private threaded = false;
  private loading: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<PredictionListener>();

  /** Backends to try, in order, when the first model is loaded (default: tensorflow, wasm, cpu). */
  setBackendPreference(preference: readonly BackendName[]): void {
    this.backendPreference = preference;
  }

  /** Runs the versions loaded from now on in a worker thread (true) or in the calling thread (false, the default). */
  runInThread(enabled: boolean): void {
    this.threaded = enabled;
  }

  /** Loads the model version in `dir` and makes it the active one; concurrent loads apply in call order. */
  load(dir: string): Promise<ModelRuntimeInfo> {
    const next = this.loading.then(() => this.swapIn(dir));
    this.loading = next.catch(() => undefined);
    return next;
  }

  /** Runs a few small batches so that the first real request does not pay for kernel set-up. */
  async warmUp(): Promise<void> {
    await this.withActive((slot) => slot.model.warmUp());
  }

  /**
   * Predicts raw feature vectors (the 78 features in FEATURE_NAMES order, as `toFeatureVector` returns them):
   * N vectors in, N predictions out, in one batch.
   */
  async predict(vectors: readonly (number[] | Float64Array)[], options?: PredictOptions): Promise<Prediction[]> {
    const bad = vectors.findIndex((v) => v.length !== FEATURE_COUNT);
    if (bad >= 0) {
      const reason = `expected ${FEATURE_COUNT} features, got ${vectors[bad].length}`;
      throw DomainError.validation([{ field: `[${bad}]`, reason }]);
    }
    return this.withActive(async (slot) => {
      const started = performance.now();
      const predictions = await slot.model.predict(vectors, options);
      this.emit(slot, predictions, performance.now() - started);
      return predictions;
    });
  }

  info(): ModelRuntimeInfo {
    return this.describe(this.requireActive());
  }

  isLoaded(): boolean {
    return this.active !== undefined;
  }

  /** Registers a hook called after every predicted batch; returns a function that removes it. */
  onPrediction(listener: PredictionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationShutdown(): void {
    if (this.active) this.retire(this.active);
    this.active = undefined;
  }

  private async swapIn(dir: string): Promise<ModelRuntimeInfo> {
    const loaded = this.threaded ? await this.startThread(dir) : await this.loadHere(dir);
    // after the load, which reports an unreadable model in its own words
    const domain = await readDomainBoundary(dir);
    if (loaded.backend !== this.backend) this.logger.log(`tfjs backend: ${loaded.backend}${this.threaded ? ' (inference thread)' : ''}`);
    this.backend = loaded.backend;
    const slot: Slot = { ...loaded, domain, dir, loadedAt: new Date(), inFlight: 0, retired: false };
    const previous = this.active;
    this.active = slot;
    if (previous) this.retire(previous);
    this.logger.log(`model ${slot.manifest.version} active (${dir})`);
    return this.describe(slot);
  }

  private async loadHere(dir: string): Promise<Pick<Slot, 'model' | 'manifest' | 'backend'>> {
    const [{ loadDetectionModel }, { selectBackend }] = await Promise.all([
      import('./model/model-artifact'),
      import('./model/backend-selector'),
    ]);
    const backend = this.backend ?? (await selectBackend(this.backendPreference));
    const { model, manifest } = await loadDetectionModel(dir);
    await model.warmUp();
    return { model, manifest, backend };
  }

  private async startThread(dir: string): Promise<Pick<Slot, 'model' | 'manifest' | 'backend'>> {
    const { ModelThread } = await import('./model/model-thread');
    const thread = await ModelThread.start(dir, this.backendPreference);
    return { model: thread, manifest: thread.manifest, backend: thread.backend };
  }

  private async withActive<T>(run: (slot: Slot) => Promise<T>): Promise<T> {
    const slot = this.requireActive();
    slot.inFlight++;
    try {
      return await run(slot);
    } finally {
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) slot.model.dispose();
    }
  }

  private requireActive(): Slot {
    if (!this.active) {
      throw new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, 'No detection model is loaded', { retryAfter: 30 });
    }
    return this.active;
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    if (slot.inFlight === 0) slot.model.dispose();
  }

  private emit(slot: Slot, predictions: Prediction[], durationMs: number): void {
    const event: PredictionEvent = {
      version: slot.manifest.version,
      backend: slot.backend,
      flows: predictions.length,
      durationMs,
      predictions,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.logger.warn(`prediction listener failed: ${(e as Error).message}`);
      }
    }
  }

  private describe(slot: Slot): ModelRuntimeInfo {
    return {
      version: slot.manifest.version,
      backend: slot.backend,
      labels: [...slot.model.labels],
      featureNames: [...FEATURE_NAMES],
      inputSize: slot.manifest.inputSize,
      dir: slot.dir,
      loadedAt: slot.loadedAt,
      domain: slot.domain,
    };
  }
}
