import { RiskLevel } from '../../alerts/alert.entity';
import { eveMicros } from './eve-fields';
import { readEveNdjson } from './eve-ndjson';

const flowEvent = {
  timestamp: '2026-11-21T10:00:05.120000+0000',
  flow_id: 1459325613422394,
  event_type: 'flow',
  src_ip: '198.18.0.10',
  src_port: 51234,
  dest_ip: '198.19.0.20',
  dest_port: 80,
  proto: 'TCP',
  flow: { pkts_toserver: 6, pkts_toclient: 5, bytes_toserver: 520, bytes_toclient: 3120, start: '2026-11-21T10:00:00.000000+0000', end: '2026-11-21T10:00:04.500000+0000' },
  tcp: { tcp_flags: '1b', tcp_flags_ts: '1b', tcp_flags_tc: '1b', syn: true, fin: true, psh: true, ack: true },
};
const alertEvent = {
  timestamp: '2026-11-21T10:00:06.000000+0000',
  event_type: 'alert',
  src_ip: '198.18.0.66',
  src_port: 44321,
  dest_ip: '198.19.0.20',
  dest_port: 22,
  proto: 'TCP',
  alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 1 },
};
const ndjson = (...events: unknown[]) => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n');

describe('readEveNdjson', () => {
  it('sorts flows, alerts and other events and counts each type', () => {
    const read = readEveNdjson(ndjson(flowEvent, alertEvent, { event_type: 'dns', dns: {} }, '', { event_type: 'stats' }) + '\n');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.batch.counts).toEqual({ flow: 1, alert: 1, dns: 1, stats: 1 });
    expect(read.batch.skipped).toBe(2);
    const [flow] = read.batch.flows;
    expect(flow).toMatchObject({ srcIp: '198.18.0.10', dstIp: '198.19.0.20', srcPort: 51234, dstPort: 80, protocol: 6, flowId: '1459325613422394' });
    expect(flow.timestamp?.toISOString()).toBe('2026-11-21T10:00:05.120Z');
    expect(flow.features[1]).toBe(4_500_000);
    const [alert] = read.batch.alerts;
    expect(alert.verdict).toBeNull();
    expect(alert.alert).toMatchObject({ attackType: 'ET SCAN Potential SSH Scan', source: 'suricata', confidence: 1, riskLevel: RiskLevel.HIGH, srcIp: '198.18.0.66', dstPort: 22 });
    expect(alert.alert?.details).toMatchObject({ signature_id: 2001219, category: 'Attempted Information Leak', severity: 1, rev: 20, action: 'allowed' });
  });

  it('keeps the 64-bit flow_id exactly, from the line itself', () => {
    const line = JSON.stringify(flowEvent).replace('"flow_id":1459325613422394', '"flow_id":2047914935487412311');
    const read = readEveNdjson(line);
    expect(read.ok && read.batch.flows[0].flowId).toBe('2047914935487412311');
  });

  it('names every bad line and what is wrong with it', () => {
    const { flow: _flow, ...noCounters } = flowEvent;
    const read = readEveNdjson(
      ndjson(
        flowEvent,
        '{not json',
        '[1,2]',
        { ...flowEvent, src_ip: '300.1.1.1' },
        noCounters,
        { ...alertEvent, alert: { signature: '', signature_id: 'x', severity: 0 } },
        { timestamp: 'now', event_type: 'alert', src_ip: '198.18.0.1', dest_ip: '198.19.0.1', proto: 'TCP' },
        { dns: {} },
      ),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const byLine = (n: number) => read.problems.filter((p) => p.field === `line ${n}`).map((p) => p.reason);
    expect(byLine(1)).toEqual([]);
    expect(byLine(2)).toEqual(['is not valid JSON']);
    expect(byLine(3)).toEqual(['must be a JSON object (one EVE event)']);
    expect(byLine(4)).toEqual(['src_ip: must be an IPv4 or IPv6 address']);
    expect(byLine(5)).toEqual([expect.stringMatching(/^flow: is required/)]);
    expect(byLine(6)).toEqual(expect.arrayContaining(['alert.signature: must be a non-empty string', 'alert.signature_id: must be a non-negative integer', 'alert.severity: must be 1 or more']));
    expect(byLine(7)).toEqual(expect.arrayContaining([expect.stringMatching(/^timestamp: must be a timestamp/), expect.stringMatching(/^alert: is required/)]));
    expect(byLine(8)).toEqual(['event_type: must be a string of 1 to 64 characters']);
  });

  it('refuses a body without events', () => {
    expect(readEveNdjson('\n  \n')).toEqual({ ok: false, problems: [{ field: 'body', reason: expect.stringMatching(/no EVE events/) }] });
  });
});

describe('eveMicros', () => {
  it('reads Suricata and ISO timestamps to the microsecond', () => {
    expect(eveMicros('2026-11-21T10:00:05.123456+0000')).toBe(Date.UTC(2026, 10, 21, 10, 0, 5) * 1000 + 123456);
    expect(eveMicros('2026-11-21T11:00:05.5+01:00')).toBe(Date.UTC(2026, 10, 21, 10, 0, 5) * 1000 + 500000);
    expect(eveMicros('2026-11-21T10:00:05Z')).toBe(Date.UTC(2026, 10, 21, 10, 0, 5) * 1000);
    for (const bad of ['2026-02-30T10:00:00Z', '2026-11-21 10:00:00', '1969-12-31T23:59:59Z', 'now', 1700000000]) expect(eveMicros(bad)).toBeNull();
  });
});
