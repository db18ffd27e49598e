import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const WEBHOOK_DELIVERIES_METRIC = 'ids_webhook_deliveries_total';
export const WEBHOOK_DELIVERY_DURATION_METRIC = 'ids_webhook_delivery_duration_seconds';

/** Outcome of one attempt: delivered, failed and retried later, failed for good, or dropped (webhook gone). */
export type AttemptOutcomeLabel = 'success' | 'retry' | 'failed' | 'dropped';

export const webhookMetricProviders = [
  makeCounterProvider({
    name: WEBHOOK_DELIVERIES_METRIC,
    help: 'Webhook delivery attempts by event and outcome (success, retry, failed, dropped)',
    labelNames: ['event', 'outcome'],
  }),
  makeHistogramProvider({
    name: WEBHOOK_DELIVERY_DURATION_METRIC,
    help: 'Duration of webhook delivery attempts in seconds, by outcome',
    labelNames: ['outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
];
