import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const SIEM_DELIVERIES_METRIC = 'ids_siem_deliveries_total';
export const SIEM_DELIVERY_DURATION_METRIC = 'ids_siem_delivery_duration_seconds';

/** Outcome of one attempt: delivered, failed and retried later, or failed for good (attempts exhausted). */
export type SiemOutcomeLabel = 'success' | 'retry' | 'failed';

export const siemMetricProviders = [
  makeCounterProvider({
    name: SIEM_DELIVERIES_METRIC,
    help: 'SIEM (syslog) delivery attempts by destination, event and outcome (success, retry, failed)',
    labelNames: ['destination', 'event', 'outcome'],
  }),
  makeHistogramProvider({
    name: SIEM_DELIVERY_DURATION_METRIC,
    help: 'Duration of SIEM (syslog) delivery attempts in seconds, by destination and outcome',
    labelNames: ['destination', 'outcome'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
];
