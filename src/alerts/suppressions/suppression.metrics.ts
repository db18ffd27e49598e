import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const SUPPRESSED_METRIC = 'ids_alerts_suppressed_total';

export const suppressionMetricProviders = [
  makeCounterProvider({
    name: SUPPRESSED_METRIC,
    help: 'Alert verdicts a suppression rule kept from raising or folding an alert (the flows are stored), by rule id',
    labelNames: ['rule'],
  }),
];
