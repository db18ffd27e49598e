import { beginReservingFlowIds, copyEncodedFlows, encodeFlows, FlowBatchContext } from '../../src/flows/ingest/flow-copy.writer';
import { ValidatedFlow } from '../../src/flows/ingest/flow-input';
import { Verdict } from '../../src/inference/verdict';
import { sharedDatabaseClient } from '../setup/test-database';

/** Flows written with the binary COPY come back from PostgreSQL exactly as they were given, field by field. */
describe('flows through binary COPY', () => {
  const pg = sharedDatabaseClient();

  const flow = (over: Partial<ValidatedFlow>): ValidatedFlow => ({
    flowId: null, srcIp: null, dstIp: null, srcPort: null, dstPort: null, protocol: null, timestamp: null,
    features: new Float64Array([0, 1.5, -2]),
    ...over,
  });
  const verdict = (over: Partial<Verdict>): Verdict => ({
    label: 'DDoS', confidence: 0.987654321, top3: [], explanation: [], anomalyScore: 0.1234567, processed: new Float32Array([0.1, -3.3333333]),
    ...over,
  });

  it('stores every column type, NULLs, special floats, IPv6, UTF-8 and bigint ids exactly', async () => {
    const receivedAt = new Date('2026-11-21T10:20:30.456Z');
    const items = [
      {
        flow: flow({
          flowId: 'ünïcode\tflow\n1', srcIp: '198.18.7.9', dstIp: '2001:db8::ff', srcPort: 65535, dstPort: 0, protocol: 6,
          timestamp: new Date('2017-07-07T08:59:50.123Z'),
          features: new Float64Array([NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -0]),
        }),
        verdict: verdict({ processed: new Float32Array([Math.fround(0.1), -1e-45, 3.4028234663852886e38]) }),
      },
      { flow: flow({ srcIp: '::1', dstIp: '198.19.0.1' }), verdict: null },
      { flow: flow({}), verdict: verdict({ anomalyScore: null, confidence: 1 }) },
    ];
    const ctx: FlowBatchContext = { receivedAt, source: 'batch', sensorId: '0b5c7a1e-2d3f-4a5b-9c8d-7e6f5a4b3c2d', modelVersion: 'mlp-test' };
    const encoded = encodeFlows(items, ctx);

    const ids = await beginReservingFlowIds(pg as never, items.length);
    const alertIds = [null, '9007199254740993', null];
    await copyEncodedFlows(pg as never, encoded, ids, alertIds);
    const { rows } = await pg.query(
      `SELECT id::text, received_at, flow_ts, flow_id, host(src_ip) AS src, host(dst_ip) AS dst, family(src_ip) AS fam,
              masklen(src_ip) AS bits, src_port, dst_port, protocol, source, sensor_id::text, raw_features::text AS raw,
              processed_features, predicted_label, confidence, anomaly_score, model_version, alert_id::text
         FROM flows WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    await pg.query('ROLLBACK');

    expect(rows.map((r) => r.id)).toEqual(ids);
    const [a, b, c] = rows;
    expect(a).toMatchObject({
      flow_id: 'ünïcode\tflow\n1', src: '198.18.7.9', dst: '2001:db8::ff', fam: 4, bits: 32, src_port: 65535, dst_port: 0, protocol: 6,
      source: 'batch', sensor_id: ctx.sensorId, predicted_label: 'DDoS', model_version: 'mlp-test', alert_id: null,
    });
    expect(a.received_at.toISOString()).toBe(receivedAt.toISOString());
    expect(a.flow_ts.toISOString()).toBe('2017-07-07T08:59:50.123Z');
    // the text form PostgreSQL prints for the doubles it stored (shortest exact spelling)
    expect(a.raw).toBe('{NaN,Infinity,-Infinity,5e-324,1.7976931348623157e+308,0.30000000000000004,-0}');
    expect(a.processed_features.map(Math.fround)).toEqual([Math.fround(0.1), Math.fround(-1e-45), 3.4028234663852886e38]);
    // reals come back as PostgreSQL's shortest spelling of the stored float4
    expect(Math.fround(a.confidence)).toBe(Math.fround(0.987654321));
    expect(Math.fround(a.anomaly_score)).toBe(Math.fround(0.1234567));
    expect(b).toMatchObject({ src: '::1', dst: '198.19.0.1', fam: 6, bits: 128, src_port: null, protocol: null, predicted_label: null,
      processed_features: null, confidence: null, anomaly_score: null, model_version: null, alert_id: '9007199254740993', flow_ts: null });
    expect(b.raw).toBe('{0,1.5,-2}');
    expect(c).toMatchObject({ flow_id: null, src: null, dst: null, confidence: 1, anomaly_score: null, model_version: 'mlp-test' });
  });

  it('refuses a batch with a value PostgreSQL rejects, and writes none of it', async () => {
    // a text with a NUL byte passes the encoder (UTF-8) and is refused by the server
    const items = [{ flow: flow({ flowId: 'ok' }), verdict: null }, { flow: flow({ flowId: 'nul\u0000byte' }), verdict: null }];
    const ids = await beginReservingFlowIds(pg as never, items.length);
    const encoded = encodeFlows(items, { receivedAt: new Date(), source: 'api', sensorId: null, modelVersion: null });
    await expect(copyEncodedFlows(pg as never, encoded, ids, [null, null])).rejects.toThrow(/0x00/);
    await pg.query('ROLLBACK');
    expect((await pg.query(`SELECT count(*)::int AS n FROM flows WHERE id = ANY($1::bigint[])`, [ids])).rows[0].n).toBe(0);
  });
});
