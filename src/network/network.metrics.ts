import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DRIFT_SERIES, DriftRepair, RepairedBy } from './sync/firewall-drift';

export type ActionOutcome = 'created' | 'duplicate' | 'extended' | 'refused' | 'activated' | 'expired' | 'revoked' | 'failed';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const networkMetricProviders = [
  makeCounterProvider({ name: 'ids_network_actions_total', help: 'Network actions by type and outcome', labelNames: ['type', 'outcome'] }),
  makeCounterProvider({
    name: 'ids_firewall_drift_total',
    help:
      'Firewall repairs: what was found out of line with the database and our base rule set, by kind (set_member, rule, ' +
      'chain), change (missing, unexpected, timeout) and who repaired it (reconciler, job)',
    labelNames: ['kind', 'change', 'repaired_by'],
  }),
  makeGaugeProvider({ name: 'ids_firewall_rules', help: 'Entries the firewall holds after the last sync (address, port)', labelNames: ['kind'] }),
  makeGaugeProvider({ name: 'ids_network_queue_depth', help: 'Jobs of the network queue by state', labelNames: ['state'] }),
  makeHistogramProvider({
    name: 'ids_network_job_duration_seconds',
    help: 'Duration of network queue jobs in seconds, by job and outcome',
    labelNames: ['job', 'outcome'],
    buckets: DURATION_BUCKETS,
  }),
  makeHistogramProvider({
    name: 'ids_firewall_reconcile_duration_seconds',
    help: 'Duration of reconciler passes in seconds, by outcome',
    labelNames: ['outcome'],
    buckets: DURATION_BUCKETS,
  }),
];

@Injectable()
export class NetworkMetrics {
  constructor(
    @InjectMetric('ids_network_actions_total') private readonly actions: Counter<string>,
    @InjectMetric('ids_firewall_drift_total') private readonly drift: Counter<string>,
    @InjectMetric('ids_firewall_rules') private readonly rules: Gauge<string>,
    @InjectMetric('ids_network_queue_depth') private readonly queueDepth: Gauge<string>,
    @InjectMetric('ids_network_job_duration_seconds') private readonly jobDuration: Histogram<string>,
    @InjectMetric('ids_firewall_reconcile_duration_seconds') private readonly reconcileDuration: Histogram<string>,
  ) {
    // every drift kind is exported from the start, at 0, so a rate() over it never starts from nothing
    for (const repaired_by of ['reconciler', 'job'] satisfies RepairedBy[]) {
      for (const { kind, change } of DRIFT_SERIES) this.drift.inc({ kind, change, repaired_by }, 0);
    }
  }

  action(type: string, outcome: ActionOutcome, count = 1): void {
    if (count > 0) this.actions.inc({ type, outcome }, count);
  }

  driftRepaired(repairs: readonly DriftRepair[], repairedBy: RepairedBy): void {
    for (const { kind, change, count } of repairs) if (count > 0) this.drift.inc({ kind, change, repaired_by: repairedBy }, count);
  }

  firewallRules(addresses: number, ports: number): void {
    this.rules.set({ kind: 'address' }, addresses);
    this.rules.set({ kind: 'port' }, ports);
  }

  queue(counts: Record<string, number>): void {
    for (const [state, n] of Object.entries(counts)) this.queueDepth.set({ state }, n);
  }

  job(job: string, outcome: 'success' | 'failure', seconds: number): void {
    this.jobDuration.observe({ job, outcome }, seconds);
  }

  reconcile(outcome: 'success' | 'failure' | 'skipped', seconds: number): void {
    this.reconcileDuration.observe({ outcome }, seconds);
  }
}
