import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { BouncerKeysService } from './bouncer-keys.service';

export const BOUNCER_PULL_AGE_METRIC = 'ids_bouncer_last_pull_age_seconds';

/** Read from the database at scrape time: every instance reports the same ages (aggregate them with min). */
export const bouncerMetricProviders = [
  makeGaugeProvider({
    name: BOUNCER_PULL_AGE_METRIC,
    help: 'Seconds since each bouncer in force last pulled decisions, read at scrape time (never-pulled bouncers have no series)',
    labelNames: ['bouncer'],
    inject: [BouncerKeysService],
    async collect(this: Gauge<string>, bouncers: BouncerKeysService) {
      const ages = await bouncers.pullAges().catch(() => null);
      this.reset();
      for (const r of ages ?? []) this.set({ bouncer: r.name }, r.age);
    },
  }),
];
