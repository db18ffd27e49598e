import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { BinaryCopyWriter } from '../../infra/database/copy-binary';
import { idSequenceOf } from '../../infra/database/id-sequence';
import { FlowRelink } from '../../alerts/ingest/alert-ingest.writer';
import { ValidatedFlow } from './flow-input';
import { Verdict } from '../../inference/verdict';

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
  'model_version', 'model', 'feature_coverage', 'unsupported_label', 'alert_id', 'suppressed_by',
];

/**
 * A flow's COPY fields between `id` and `alert_id` (the two that are only known inside the transaction), so
 * that the bulk of the encoding can happen before the transaction takes its locks.
 */
function encodeMiddle(out: BinaryCopyWriter, flow: ValidatedFlow, verdict: Verdict | null, ctx: FlowBatchContext): void {
  out
    .timestamptz(ctx.receivedAt)
    .timestamptz(flow.timestamp)
    .text(flow.flowId)
    .inet(flow.srcIp)
    .inet(flow.dstIp)
    .int4(flow.srcPort)
    .int4(flow.dstPort)
    .int2(flow.protocol)
    .text(ctx.source)
    .uuid(ctx.sensorId)
    .float8Array(flow.features)
    .float4Array(verdict?.processed ?? null)
    .text(verdict?.label)
    .float4(verdict?.confidence)
    .float4(verdict?.anomalyScore)
    .text(verdict ? (verdict.modelVersion ?? ctx.modelVersion) : null)
    .text(verdict?.model ?? null)
    .float4(verdict?.coverage ?? null)
    .text(verdict?.unsupported?.label ?? null);
}

/** Flows encoded for {@link copyEncodedFlows}: everything but their ids and alert ids. */
export interface EncodedFlows {
  /** The middle fields of every flow, one after the other. */
  bytes: Buffer;
  /** Where flow i's fields start in `bytes` (and end, at i + 1). */
  offsets: number[];
}

export function encodeFlows(flows: readonly Pick<FlowRowToWrite, 'flow' | 'verdict'>[], ctx: FlowBatchContext): EncodedFlows {
  const out = new BinaryCopyWriter(flows.length * 1400 + 64);
  const offsets = [0];
  for (const r of flows) {
    encodeMiddle(out, r.flow, r.verdict, ctx);
    offsets.push(out.length);
  }
  return { bytes: out.bytes(), offsets };
}

const reserveSql = (count: number) => {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`cannot reserve ${count} flow ids`);
  // one row holding every id (a thousand one-column rows cost more to receive than one string to split)
  return `SELECT string_agg(nextval(${idSequenceOf('flows')})::text, ',') AS ids FROM generate_series(1, ${count})`;
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
  await copyEncodedFlows(client, encodeFlows(rows, ctx), rows.map((r) => r.id), rows.map((r) => r.alertId));
}

/**
 * Writes flows encoded by {@link encodeFlows}, with their ids, alert ids and the suppression rule that kept a flow's
 * verdict from alerting (if any), with one binary COPY … FROM STDIN.
 */
export async function copyEncodedFlows(
  client: PoolClient,
  encoded: EncodedFlows,
  ids: readonly string[],
  alertIds: readonly (string | null)[],
  suppressedBy: readonly (string | null)[] | null = null,
): Promise<void> {
  const { bytes, offsets } = encoded;
  const rows = offsets.length - 1;
  if (rows === 0) return;
  const out = new BinaryCopyWriter(bytes.length + rows * 28 + 32).header();
  for (let i = 0; i < rows; i++) {
    out.row(COLUMNS.length).int8(ids[i]).raw(bytes.subarray(offsets[i], offsets[i + 1])).int8(alertIds[i]).uuid(suppressedBy?.[i] ?? null);
  }
  out.trailer();
  const sink = client.query(copyFrom(`COPY flows (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT binary)`));
  await pipeline(Readable.from([out.bytes()]), sink);
}

/** Points flows at the alert the locked decision chose (see AlertIngestWriter.raiseOrFold). */
export async function relinkFlows(client: PoolClient, relink: FlowRelink[]): Promise<void> {
  if (relink.length === 0) return;
  await client.query(
    `UPDATE flows f SET alert_id = v.alert
       FROM unnest($1::bigint[], $2::timestamptz[], $3::bigint[]) AS v(id, received_at, alert)
      WHERE f.id = v.id AND f.received_at = v.received_at`,
    [relink.map((r) => r.flowId), relink.map((r) => r.flowReceivedAt), relink.map((r) => r.alertId)],
  );
}
