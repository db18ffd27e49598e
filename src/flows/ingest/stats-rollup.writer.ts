import { PoolClient } from 'pg';

export interface RollupInput {
  at: Date;
  label: string;
  isAlert: boolean;
  srcIp: string | null;
  dstIp: string | null;
  modelVersion: string | null;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Start of the UTC minute, hour or day holding `at` (the epoch has whole UTC days: plain arithmetic). */
function truncate(at: Date, unit: 'minute' | 'hour' | 'day'): string {
  const ms = at.getTime();
  return new Date(ms - (((ms % UNIT_MS[unit]) + UNIT_MS[unit]) % UNIT_MS[unit])).toISOString();
}

/** Counts per key, in key order (concurrent batches then lock the rollup rows in one order: no deadlock). */
function count<K extends readonly string[]>(
  items: RollupInput[],
  keyOf: (i: RollupInput) => K | null,
  alerts = false,
): { key: K; flows: number; alerts: number }[] {
  const out = new Map<string, { key: K; flows: number; alerts: number }>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const id = key.join('\u0000');
    let entry = out.get(id);
    if (!entry) out.set(id, (entry = { key, flows: 0, alerts: 0 }));
    entry.flows++;
    if (alerts && item.isAlert) entry.alerts++;
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** Bucket starts by time, computed once per distinct time of a batch (usually one: its receive time). */
function bucketsOf(): (at: Date) => { minute: string; hour: string; day: string } {
  const memo = new Map<number, { minute: string; hour: string; day: string }>();
  return (at) => {
    let b = memo.get(at.getTime());
    if (!b) memo.set(at.getTime(), (b = { minute: truncate(at, 'minute'), hour: truncate(at, 'hour'), day: truncate(at, 'day').slice(0, 10) }));
    return b;
  };
}

/**
 * Adds a batch to the dashboard rollups in the caller's transaction: flows and alert verdicts per minute and
 * attack type, per hour and source / destination address, and predictions per day, model version and class.
 */
export async function addToRollups(client: PoolClient, items: RollupInput[]): Promise<void> {
  if (items.length === 0) return;
  const bucket = bucketsOf();
  const minute = count(items, (i) => [bucket(i.at).minute, i.label] as const, true);
  const sources = [
    ...count(items, (i) => (i.srcIp ? ([bucket(i.at).hour, 'src', i.srcIp] as const) : null), true),
    ...count(items, (i) => (i.dstIp ? ([bucket(i.at).hour, 'dst', i.dstIp] as const) : null), true),
  ];
  const model = count(items, (i) => (i.modelVersion ? ([bucket(i.at).day, i.modelVersion, i.label] as const) : null));
  // one statement (one round trip) for the three rollups; each part inserts nothing when its arrays are empty
  await client.query(
    `WITH minute AS (
       INSERT INTO stats_minute (bucket, attack_type, flows, alerts)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (bucket, attack_type) DO UPDATE
         SET flows = stats_minute.flows + EXCLUDED.flows, alerts = stats_minute.alerts + EXCLUDED.alerts
     ), sources AS (
       INSERT INTO stats_sources_hour (bucket, direction, ip, flows, alerts)
       SELECT * FROM unnest($5::timestamptz[], $6::text[], $7::inet[], $8::bigint[], $9::bigint[])
       ON CONFLICT (bucket, direction, ip) DO UPDATE
         SET flows = stats_sources_hour.flows + EXCLUDED.flows, alerts = stats_sources_hour.alerts + EXCLUDED.alerts
     )
     INSERT INTO stats_model_day (bucket, model_version, predicted_label, predictions)
     SELECT * FROM unnest($10::date[], $11::text[], $12::text[], $13::bigint[])
     ON CONFLICT (bucket, model_version, predicted_label) DO UPDATE
       SET predictions = stats_model_day.predictions + EXCLUDED.predictions`,
    [
      minute.map((m) => m.key[0]), minute.map((m) => m.key[1]), minute.map((m) => m.flows), minute.map((m) => m.alerts),
      sources.map((s) => s.key[0]), sources.map((s) => s.key[1]), sources.map((s) => s.key[2]), sources.map((s) => s.flows), sources.map((s) => s.alerts),
      model.map((m) => m.key[0]), model.map((m) => m.key[1]), model.map((m) => m.key[2]), model.map((m) => m.flows),
    ],
  );
}
