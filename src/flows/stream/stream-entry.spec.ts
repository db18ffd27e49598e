import { FEATURE_COUNT } from '../../core/features';
import { compareEntryIds, pairsOf, ParsedEntry, parseStreamEntry, planIngestCalls } from './stream-entry';

const SENSOR = '6f1c8a2e-3b4d-4c5e-8f90-a1b2c3d4e5f6';
const flow = (extra: Record<string, unknown> = {}) => ({ src_ip: '198.18.0.1', dst_ip: '198.19.0.1', features: Array(FEATURE_COUNT).fill(1), ...extra });

describe('parseStreamEntry', () => {
  it('reads a `flow` entry and a `flows` entry with a sensor', () => {
    const one = parseStreamEntry('1-0', [['flow', JSON.stringify(flow())]], 10);
    expect(one).toMatchObject({ ok: true, entry: { id: '1-0', sensorId: null, flows: [{ srcIp: '198.18.0.1' }] } });
    const many = parseStreamEntry('2-0', [['flows', JSON.stringify([flow(), flow({ src_ip: '198.18.0.2' })])], ['sensor', SENSOR.toUpperCase()], ['note', 'ignored']], 10);
    expect(many.ok && many.entry.flows.map((f) => f.srcIp)).toEqual(['198.18.0.1', '198.18.0.2']);
    expect(many.ok && many.entry.sensorId).toBe(SENSOR);
    const named = parseStreamEntry('3-0', [['flow', JSON.stringify(flow())], ['sensor', 'edge-sensor-7']], 10);
    expect(named).toMatchObject({ ok: true, entry: { sensorId: null, sensorName: 'edge-sensor-7' } });
  });

  it.each([
    [[], /exactly one of the fields flow and flows/],
    [[['flow', '{}'], ['flows', '[]']], /exactly one/],
    [[['flow', 'not json']], /^flow: is not valid JSON/],
    [[['flows', '{}']], /^flows: must be a non-empty JSON array/],
    [[['flows', '[]']], /^flows: must be a non-empty JSON array/],
    [[['flows', JSON.stringify([flow(), flow(), flow()])]], /^flows: has 3 items; the maximum is 2/],
    [[['flow', JSON.stringify(flow({ src_ip: '999.0.0.1' }))]], /^flow\.src_ip: must be an IPv4 or IPv6 address/],
    [[['flows', JSON.stringify([flow(), flow({ features: [1] })])]], /^flows\[1\]\.features: expected 78 values/],
    [[['flow', JSON.stringify(flow())], ['sensor', '  ']], /^sensor: must be the sensor's API key id \(a UUID\) or name/],
    [[['flow', JSON.stringify(flow())], ['sensor', 'x'.repeat(201)]], /^sensor: must be/],
    [[['flow', JSON.stringify(flow())], ['flow', JSON.stringify(flow())]], /^flow: appears more than once/],
  ] as [[string, string][], RegExp][])('refuses %j with a reason for the dead-letter stream', (pairs, reason) => {
    const check = parseStreamEntry('3-0', pairs, 2);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(reason);
  });

  it('keeps a dead-letter reason short for a batch of garbage', () => {
    const check = parseStreamEntry('4-0', [['flows', JSON.stringify(Array(50).fill({ src_ip: 'x', features: {} }))]], 100);
    expect(!check.ok && check.reason.length).toBeLessThan(2000);
    expect(!check.ok && check.reason).toMatch(/and \d+ more$/);
  });
});

describe('planIngestCalls', () => {
  const entry = (id: string, flows: number, sensorId: string | null = null): ParsedEntry => ({ id, sensorId, flows: Array(flows).fill({}) });

  it('makes one call per sensor, never splitting an entry, within the flow limit', () => {
    const calls = planIngestCalls([entry('1', 2), entry('2', 2, SENSOR), entry('3', 3), entry('4', 1), entry('5', 5)], 5);
    expect(calls.map((c) => c.map((e) => e.id))).toEqual([['1', '3'], ['4'], ['5'], ['2']]);
    expect(planIngestCalls([entry('1', 1), entry('2', 1)], 5)).toHaveLength(1);
  });
});

describe('stream entry helpers', () => {
  it('pairs raw field lists and compares ids numerically', () => {
    expect(pairsOf(['flow', '{}', 'sensor', 'x'])).toEqual([['flow', '{}'], ['sensor', 'x']]);
    expect(['10-0', '9-5', '9-10', '10-0'].sort(compareEntryIds)).toEqual(['9-5', '9-10', '10-0', '10-0']);
  });
});
