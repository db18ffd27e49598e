import { Injectable } from '@nestjs/common';
import { PoolClient } from 'pg';
import { pgArray } from '../infra/database/pg-array';

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

/** Flows and alert verdicts counted under a key of up to three parts. */
interface Tallied {
  key: [string, string, string];
  flows: number;
  alerts: number;
}

/**
 * Counts per key of up to three parts (unused parts are ''), in nested maps: nothing is allocated per counted
 * item, only per distinct key. {@link sorted} gives the keys in order, so that concurrent batches lock the rollup
 * rows in one order (no deadlock).
 */
class Tally {
  private readonly tree = new Map<string, Map<string, Map<string, Tallied>>>();

  add(a: string, b: string, c: string, isAlert: boolean): void {
    let level1 = this.tree.get(a);
    if (!level1) this.tree.set(a, (level1 = new Map()));
    let level2 = level1.get(b);
    if (!level2) level1.set(b, (level2 = new Map()));
    let entry = level2.get(c);
    if (!entry) level2.set(c, (entry = { key: [a, b, c], flows: 0, alerts: 0 }));
    entry.flows++;
    if (isAlert) entry.alerts++;
  }

  sorted(): Tallied[] {
    const byCodeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const out: Tallied[] = [];
    for (const a of [...this.tree.keys()].sort(byCodeUnits)) {
      const level1 = this.tree.get(a)!;
      for (const b of [...level1.keys()].sort(byCodeUnits)) {
        const level2 = level1.get(b)!;
        for (const c of [...level2.keys()].sort(byCodeUnits)) out.push(level2.get(c)!);
      }
    }
    return out;
  }
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

/** The three rollups in one statement (one round trip); each part inserts nothing when its arrays are empty. */
const ROLLUPS_SQL = `WITH minute AS (
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
    SET predictions = stats_model_day.predictions + EXCLUDED.predictions`;

/**
 * Adds a batch to the dashboard rollups in the caller's transaction: flows and alert verdicts per minute and
 * attack type, per hour and source / destination address, and predictions per day, model version and class.
 */
export async function addToRollups(client: PoolClient, items: RollupInput[]): Promise<void> {
  if (items.length === 0) return;
  const bucket = bucketsOf();
  const minutes = new Tally();
  const addresses = new Tally();
  const models = new Tally();
  for (const item of items) {
    const b = bucket(item.at);
    minutes.add(b.minute, item.label, '', item.isAlert);
    if (item.srcIp) addresses.add(b.hour, 'src', item.srcIp, item.isAlert);
    if (item.dstIp) addresses.add(b.hour, 'dst', item.dstIp, item.isAlert);
    if (item.modelVersion) models.add(b.day, item.modelVersion, item.label, false);
  }
  const minute = minutes.sorted();
  const sources = addresses.sorted();
  const model = models.sorted();
  await client.query({
    name: 'ingest_add_rollups',
    text: ROLLUPS_SQL,
    values: [
      pgArray(minute.map((m) => m.key[0])), pgArray(minute.map((m) => m.key[1])), pgArray(minute.map((m) => m.flows)),
      pgArray(minute.map((m) => m.alerts)),
      pgArray(sources.map((s) => s.key[0])), pgArray(sources.map((s) => s.key[1])), pgArray(sources.map((s) => s.key[2])),
      pgArray(sources.map((s) => s.flows)), pgArray(sources.map((s) => s.alerts)),
      pgArray(model.map((m) => m.key[0])), pgArray(model.map((m) => m.key[1])), pgArray(model.map((m) => m.key[2])),
      pgArray(model.map((m) => m.flows)),
    ],
  });
}

/** The port through which ingest adds a batch to the rollups, on the batch's transaction client. */
@Injectable()
export class StatsRollups {
  add(client: PoolClient, rows: RollupInput[]): Promise<void> {
    return addToRollups(client, rows);
  }
}
