import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const INFERENCE_METRICS = {
  duration: 'ml_inference_duration_seconds',
  batchSize: 'ml_inference_batch_size',
  predictions: 'ml_predictions_total',
  unsupported: 'ml_unsupported_verdicts_total',
  modelInfo: 'ml_model_info',
  shadowCompared: 'ml_shadow_predictions_total',
  shadowAgreed: 'ml_shadow_agreements_total',
  shadowDisagreed: 'ml_shadow_disagreements_total',
  shadowAgreement: 'ml_shadow_agreement_ratio',
} as const;

export const inferenceMetricProviders = [
  makeHistogramProvider({
    name: INFERENCE_METRICS.duration,
    help: 'Duration of one model call (a batch of flows), in seconds',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
  makeHistogramProvider({
    name: INFERENCE_METRICS.batchSize,
    help: 'Flows per model call',
    buckets: [1, 8, 32, 64, 128, 256, 512, 1024, 2048, 4096],
  }),
  makeCounterProvider({
    name: INFERENCE_METRICS.predictions,
    help: 'Verdicts by class and by model (full: the active model; eve: the EVE model, for flows with few features)',
    labelNames: ['class', 'model'],
  }),
  makeCounterProvider({
    name: INFERENCE_METRICS.unsupported,
    help: "Verdicts whose first class the model's training data did not support on the flow's IP protocol, by that class and model",
    labelNames: ['class', 'model'],
  }),
  makeGaugeProvider({ name: INFERENCE_METRICS.modelInfo, help: 'The active model version and tfjs backend (value 1)', labelNames: ['version', 'backend'] }),
  makeCounterProvider({ name: INFERENCE_METRICS.shadowCompared, help: 'Flows scored by the shadow model' }),
  makeCounterProvider({ name: INFERENCE_METRICS.shadowAgreed, help: 'Flows on which the shadow model agreed with the active one' }),
  makeCounterProvider({
    name: INFERENCE_METRICS.shadowDisagreed,
    help: 'Flows on which the shadow model disagreed, by both verdicts',
    labelNames: ['active_class', 'shadow_class'],
  }),
  makeGaugeProvider({ name: INFERENCE_METRICS.shadowAgreement, help: 'Share of flows on which the shadow model agreed (since it was set)' }),
];
