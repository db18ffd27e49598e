import { DriftReason } from './drift-judgement';

/** Domain event of the drift monitor; the realtime layer sends it to clients as `model_drift`. */
export const MODEL_DRIFT_EVENT = 'model.drift';

/** The name of the overall window among the sensors. */
export const ALL_SENSORS = 'all';

export interface ModelDriftPayload {
  /** `all`, an API key id, or `source:<ingest source>` for flows sent without a key (a user's token, an import). */
  sensor: string;
  /**
   * `firing` when the window crossed a fire threshold, `cleared` when it is back (or emptied, or the model changed).
   */
  state: 'firing' | 'cleared';
  /** The thresholds crossed (empty when cleared). */
  reasons: DriftReason[];
  /** Flows in the window, the share outside the training domain, and their mean feature coverage (null: none). */
  flows: number;
  out_of_domain_ratio: number | null;
  feature_coverage: number | null;
  window_seconds: number;
  model_version: string | null;
  at: string;
}
