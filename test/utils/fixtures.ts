import { join } from 'node:path';
import { FEATURE_NAMES, FlowCsvReader, FlowRow } from '../../src/core/features';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const CIC_SAMPLE = join(FIXTURES, 'cicids2017-sample.csv');
export const CIC_GENERATED_SAMPLE = join(FIXTURES, 'cicids2017-generated-sample.csv');

/** Real CIC-IDS2017 rows shipped with the tests. */
export async function readFixtureRows(path = CIC_SAMPLE): Promise<FlowRow[]> {
  const rows: FlowRow[] = [];
  for await (const row of new FlowCsvReader(path).rows()) rows.push(row);
  return rows;
}

/** A row as the ingest API takes it: features keyed by canonical name, non-finite values as JSON-safe strings. */
export function featuresOf(row: FlowRow): Record<string, number | string | null> {
  return Object.fromEntries(
    FEATURE_NAMES.map((name, i) => {
      const v = row.features[i];
      return [name, Number.isNaN(v) ? null : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v];
    }),
  );
}

/**
 * Flow `i` as a sensor posts it (the body of POST /api/v1/flows), from a real row: source port 40000 + i,
 * destination port the row's own, TCP.
 */
export function sensorFlow(row: FlowRow, i: number, ids: { flowId: string; srcIp: string; dstIp?: string }) {
  return {
    flow_id: ids.flowId,
    src_ip: ids.srcIp,
    dst_ip: ids.dstIp ?? '198.19.0.1',
    src_port: 40000 + i,
    dst_port: row.features[0],
    protocol: 'tcp',
    features: featuresOf(row),
  };
}
