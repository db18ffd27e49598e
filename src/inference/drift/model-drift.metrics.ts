import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { ModelDriftMonitor, SensorDrift } from './model-drift.monitor';

export const DRIFT_METRICS = {
  outOfDomain: 'ids_model_drift_out_of_domain_ratio',
  coverage: 'ids_model_drift_feature_coverage_ratio',
  flows: 'ids_model_drift_window_flows',
  alarm: 'ids_model_drift_alarm_status',
} as const;

type Read = (s: SensorDrift) => number | null;

/** A gauge per sensor (and `all`) read from the monitor's windows at scrape time; empty windows are left out. */
function windowGauge(name: string, help: string, read: Read) {
  return makeGaugeProvider({
    name,
    help,
    labelNames: ['sensor'],
    inject: [ModelDriftMonitor],
    collect(this: Gauge<string>, monitor: ModelDriftMonitor) {
      const { overall, sensors } = monitor.snapshot();
      this.reset();
      for (const s of [overall, ...sensors]) {
        const value = read(s);
        if (value !== null) this.set({ sensor: s.sensor }, value);
      }
    },
  });
}

export const driftMetricProviders = [
  windowGauge(DRIFT_METRICS.outOfDomain, 'Share of the flows in the drift window outside the model training domain, per sensor', (s) => s.outOfDomainRatio),
  windowGauge(DRIFT_METRICS.coverage, 'Mean share of the 78 model features present in the flows of the drift window, per sensor', (s) => s.featureCoverage),
  windowGauge(DRIFT_METRICS.flows, 'Flows in the drift window, per sensor', (s) => (s.flows || s.drifting ? s.flows : null)),
  windowGauge(DRIFT_METRICS.alarm, 'Model-drift alarm per sensor: 1 firing, 0 quiet', (s) => (s.flows || s.drifting ? Number(s.drifting) : null)),
];
