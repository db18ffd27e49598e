import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { Verdict, VerdictObserver } from '../verdict';
import { ModelClassifier } from '../model-classifier';
import { DriftReading, DriftThresholds, nextDrifting, readWindow } from './drift-judgement';
import { countBatch, DriftWindow } from './drift-window';
import { ALL_SENSORS, MODEL_DRIFT_EVENT, ModelDriftPayload } from './model-drift.events';

/** Most sensors tracked one by one; flows of further ones still count in the overall window. */
const MAX_SENSORS = 1000;

interface SensorState {
  window: DriftWindow;
  drifting: boolean;
  since: Date | null;
}

export interface SensorDrift extends DriftReading {
  sensor: string;
  drifting: boolean;
  since: Date | null;
}

export interface DriftSnapshot {
  modelVersion: string | null;
  overall: SensorDrift;
  sensors: SensorDrift[];
}

/**
 * The model-drift alarm: for every committed batch, counts the flows the anomaly detector places outside the
 * active model's training domain and their feature coverage, per sensor and overall, in sliding windows held in
 * this process's memory (each process judges the flows it classified). Emits {@link MODEL_DRIFT_EVENT} when a
 * window's alarm fires or clears; a timer clears the windows of sensors that went quiet.
 */
@Injectable()
export class ModelDriftMonitor extends VerdictObserver implements OnModuleDestroy {
  private readonly logger = new Logger(ModelDriftMonitor.name);
  private readonly sensors = new Map<string, SensorState>();
  private readonly thresholds: DriftThresholds;
  readonly windowSeconds: number;
  private version: string | null = null;
  private readonly timer: NodeJS.Timeout;
  private overflowLogged = false;

  constructor(
    private readonly classifier: ModelClassifier,
    private readonly events: EventEmitter2,
    config: ConfigService<AppConfig, true>,
  ) {
    super();
    const { windowSeconds, ...thresholds } = config.get('drift', { infer: true });
    this.thresholds = thresholds;
    this.windowSeconds = windowSeconds;
    this.timer = setInterval(() => this.sweep(Date.now()), Math.max(1000, (windowSeconds * 1000) / 10));
    this.timer.unref();
  }

  get settings(): DriftThresholds & { windowSeconds: number } {
    return { windowSeconds: this.windowSeconds, ...this.thresholds };
  }

  observe(source: string, sensorId: string | null, vectors: readonly Float64Array[], verdicts: readonly Verdict[]): void {
    const info = this.classifier.info();
    if (!info || vectors.length === 0) return;
    if (info.version !== this.version) this.restart(info.version);
    const eve = this.classifier.eve.isLoaded() ? this.classifier.eve.info().domain.threshold : null;
    const counts = countBatch(vectors, verdicts, info.domain.threshold, eve);
    const now = Date.now();
    for (const key of [ALL_SENSORS, sensorId ?? `source:${source}`]) {
      const state = this.stateOf(key);
      if (!state) continue;
      state.window.add(now, counts);
      this.judge(key, state, now);
    }
  }

  snapshot(now = Date.now()): DriftSnapshot {
    const view = (sensor: string, s: SensorState | undefined): SensorDrift => ({
      sensor,
      ...readWindow(s ? s.window.totals(now) : { flows: 0, outside: 0, coverageSum: 0 }, this.thresholds),
      drifting: s?.drifting ?? false,
      since: s?.since ?? null,
    });
    const sensors = [...this.sensors].filter(([k]) => k !== ALL_SENSORS).map(([k, s]) => view(k, s));
    return { modelVersion: this.version, overall: view(ALL_SENSORS, this.sensors.get(ALL_SENSORS)), sensors };
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private stateOf(key: string): SensorState | undefined {
    let state = this.sensors.get(key);
    if (state) return state;
    if (this.sensors.size > MAX_SENSORS) {
      if (!this.overflowLogged) this.logger.warn(`more than ${MAX_SENSORS} sensors: further ones count only in the overall drift window`);
      this.overflowLogged = true;
      return undefined;
    }
    state = { window: new DriftWindow(this.windowSeconds * 1000), drifting: false, since: null };
    this.sensors.set(key, state);
    return state;
  }

  private judge(sensor: string, state: SensorState, now: number): void {
    const reading = readWindow(state.window.totals(now), this.thresholds);
    const drifting = nextDrifting(state.drifting, reading, this.thresholds);
    if (drifting === state.drifting) return;
    state.drifting = drifting;
    state.since = drifting ? new Date(now) : null;
    this.announce(sensor, drifting ? 'firing' : 'cleared', reading, now);
  }

  /** Judges every window (a quiet sensor's alarm clears once its window empties) and forgets empty ones. */
  private sweep(now: number): void {
    for (const [sensor, state] of this.sensors) {
      this.judge(sensor, state, now);
      if (!state.drifting && state.window.totals(now).flows === 0) this.sensors.delete(sensor);
    }
  }

  /** A new model version: the windows judged the previous one's domain, so they start again. */
  private restart(version: string): void {
    const now = Date.now();
    for (const [sensor, state] of this.sensors) {
      if (state.drifting) this.announce(sensor, 'cleared', readWindow(state.window.totals(now), this.thresholds), now);
    }
    this.sensors.clear();
    this.version = version;
  }

  private announce(sensor: string, state: ModelDriftPayload['state'], r: DriftReading, now: number): void {
    const payload: ModelDriftPayload = {
      sensor,
      state,
      reasons: state === 'firing' ? r.reasons : [],
      flows: r.flows,
      out_of_domain_ratio: r.outOfDomainRatio,
      feature_coverage: r.featureCoverage,
      window_seconds: this.windowSeconds,
      model_version: this.version,
      at: new Date(now).toISOString(),
    };
    const figures = `${r.flows} flows, ${pct(r.outOfDomainRatio)} outside the training domain, feature coverage ${pct(r.featureCoverage)}`;
    if (state === 'firing') this.logger.warn(`model drift on ${sensor}: ${figures} (${r.reasons.join(', ')})`);
    else this.logger.log(`model drift cleared on ${sensor}: ${figures}`);
    this.events.emit(MODEL_DRIFT_EVENT, payload);
  }
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
