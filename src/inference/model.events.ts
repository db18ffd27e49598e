/** Domain events of the model lifecycle (EventEmitter2 names); realtime and webhooks listen to them. */
export const ModelEvents = {
  /** A training job reported an epoch (payload: the realtime `model_training_progress` without its id). */
  TRAINING_PROGRESS: 'model.training_progress',
  /** A model version became the active one (payload: `{ version }`). */
  ACTIVATED: 'model.activated',
} as const;

export interface ModelActivatedEvent {
  version: string;
}
