import { FEATURE_INDEX, FEATURE_NAMES } from '.';
import { eveFeatures } from './eve-features';

const value = (f: Float64Array, name: string) => f[FEATURE_INDEX.get(name)!];

describe('eveFeatures (EVE flow → CIC-IDS2017 features)', () => {
  const counters = { pktsToServer: 6, pktsToClient: 12, bytesToServer: 600, bytesToClient: 7200, startUs: 1_000_000, endUs: 3_500_000 };

  it('maps the totals and derives durations, rates and means', () => {
    const f = eveFeatures(443, counters, null);
    expect(f).toHaveLength(FEATURE_NAMES.length);
    expect(value(f, 'Destination Port')).toBe(443);
    expect(value(f, 'Flow Duration')).toBe(2_500_000);
    expect(value(f, 'Total Fwd Packets')).toBe(6);
    expect(value(f, 'Total Backward Packets')).toBe(12);
    expect(value(f, 'Total Length of Fwd Packets')).toBe(600);
    expect(value(f, 'Total Length of Bwd Packets')).toBe(7200);
    expect(value(f, 'Fwd Packet Length Mean')).toBe(100);
    expect(value(f, 'Bwd Packet Length Mean')).toBe(600);
    expect(value(f, 'Avg Bwd Segment Size')).toBe(600);
    expect(value(f, 'Flow Bytes/s')).toBeCloseTo(7800 / 2.5);
    expect(value(f, 'Flow Packets/s')).toBeCloseTo(18 / 2.5);
    expect(value(f, 'Fwd Packets/s')).toBeCloseTo(6 / 2.5);
    expect(value(f, 'Average Packet Size')).toBeCloseTo(7800 / 18);
    expect(value(f, 'Down/Up Ratio')).toBe(2);
    expect(value(f, 'Subflow Bwd Bytes')).toBe(7200);
    expect(value(f, 'Fwd Avg Bulk Rate')).toBe(0);
  });

  it('leaves what EVE does not carry as NaN, for the fitted transform to impute', () => {
    const f = eveFeatures(443, counters, null);
    for (const name of ['Flow IAT Mean', 'Fwd Packet Length Max', 'Bwd Packet Length Std', 'Init_Win_bytes_forward', 'Idle Max', 'Fwd Header Length']) {
      expect([name, value(f, name)]).toEqual([name, NaN]);
    }
  });

  it('reads TCP flags, per flow and per direction', () => {
    const f = eveFeatures(80, counters, { syn: true, ack: true, fin: false, toServer: 0x1b, toClient: 0x12 });
    expect([value(f, 'SYN Flag Count'), value(f, 'ACK Flag Count'), value(f, 'FIN Flag Count'), value(f, 'RST Flag Count')]).toEqual([1, 1, 0, 0]);
    expect([value(f, 'Fwd PSH Flags'), value(f, 'Bwd PSH Flags'), value(f, 'Fwd URG Flags')]).toEqual([1, 0, 0]);
    expect(value(eveFeatures(53, counters, null), 'SYN Flag Count')).toBe(0);
  });

  it('handles zero durations, no packets and missing values', () => {
    const instant = eveFeatures(null, { ...counters, endUs: counters.startUs }, null);
    expect(value(instant, 'Destination Port')).toBe(0);
    expect(value(instant, 'Flow Duration')).toBe(0);
    expect(value(instant, 'Flow Bytes/s')).toBeNaN();
    const empty = eveFeatures(80, { ...counters, pktsToServer: 0, bytesToServer: 0 }, null);
    expect([value(empty, 'Fwd Packet Length Mean'), value(empty, 'Down/Up Ratio')]).toEqual([0, 0]);
    const alertOnly = eveFeatures(22, { pktsToServer: 3, startUs: 1 }, null);
    expect(value(alertOnly, 'Total Fwd Packets')).toBe(3);
    expect(value(alertOnly, 'Flow Duration')).toBeNaN();
    expect(value(alertOnly, 'Total Backward Packets')).toBeNaN();
  });
});
