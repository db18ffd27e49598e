import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { floatArray, num, text, timestamp } from './copy-text';
import { ValidatedFlow } from './flow-input';
import { Verdict } from './verdict';

export interface FlowRowToWrite {
  id: string;
  flow: ValidatedFlow;
  verdict: Verdict | null;
  alertId: string | null;
}

export interface FlowBatchContext {
  receivedAt: Date;
  source: string;
  sensorId: string | null;
  modelVersion: string | null;
}

const COLUMNS = [
  'id', 'received_at', 'flow_ts', 'flow_id', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'protocol', 'source',
  'sensor_id', 'raw_features', 'processed_features', 'predicted_label', 'confidence', 'anomaly_score',
  'model_version', 'alert_id',
];

function encode(row: FlowRowToWrite, ctx: FlowBatchContext, receivedAt: string): string {
  const { flow, verdict } = row;
  return [
    row.id, receivedAt, timestamp(flow.timestamp), text(flow.flowId), text(flow.srcIp), text(flow.dstIp),
    num(flow.srcPort), num(flow.dstPort), num(flow.protocol), text(ctx.source), text(ctx.sensorId),
    floatArray(flow.features), floatArray(verdict?.processed ?? null), text(verdict?.label), num(verdict?.confidence),
    num(verdict?.anomalyScore), text(verdict ? ctx.modelVersion : null), text(row.alertId),
  ].join('\t');
}

const reserveSql = (count: number) => {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`cannot reserve ${count} flow ids`);
  // one row holding every id (a thousand one-column rows cost more to receive than one string to split)
  return `SELECT string_agg(nextval(pg_get_serial_sequence('flows', 'id'))::text, ',') AS ids FROM generate_series(1, ${count})`;
};

const idsOf = (row: { ids: string | null } | undefined): string[] => (row?.ids ? row.ids.split(',') : []);

/** Reserves `count` flow ids from the identity sequence, so alerts and flows can reference each other. */
export async function reserveFlowIds(client: PoolClient, count: number): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = await client.query<{ ids: string | null }>(reserveSql(count));
  return idsOf(rows[0]);
}

/** Starts a transaction and reserves `count` flow ids in the same round trip. */
export async function beginReservingFlowIds(client: PoolClient, count: number): Promise<string[]> {
  if (count === 0) {
    await client.query('BEGIN');
    return [];
  }
  const results = (await client.query(`BEGIN; ${reserveSql(count)}`)) as unknown as { rows: { ids: string | null }[] }[];
  return idsOf(results[1].rows[0]);
}

/** Writes flows with one COPY … FROM STDIN in the caller's transaction. */
export async function copyFlows(client: PoolClient, rows: FlowRowToWrite[], ctx: FlowBatchContext): Promise<void> {
  if (rows.length === 0) return;
  const receivedAt = ctx.receivedAt.toISOString();
  const CHUNK = 500;
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let out = '';
      for (let j = i; j < Math.min(i + CHUNK, rows.length); j++) out += `${encode(rows[j], ctx, receivedAt)}\n`;
      yield out;
    }
  }
  const sink = client.query(copyFrom(`COPY flows (${COLUMNS.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), sink);
}
