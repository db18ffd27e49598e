import { Readable } from 'node:stream';
import { FEATURE_NAMES } from '../../core/features/feature-names';
import { FlowCsvReader } from '../../core/features/flow-csv-reader';
import { CICIDS_HEADER_CELLS, CICIDS_HEADER_LINE, formatExampleLine, formatLabel } from './cicids-csv';

describe('CIC-IDS2017 CSV', () => {
  it('names the canonical features, in order, in the published spelling', () => {
    expect(CICIDS_HEADER_CELLS.map((c) => c.trim())).toEqual([...FEATURE_NAMES]);
    expect(CICIDS_HEADER_LINE.startsWith(' Destination Port, Flow Duration, Total Fwd Packets, Total Backward Packets,Total Length')).toBe(true);
    expect(CICIDS_HEADER_LINE.endsWith(' Idle Max, Idle Min, Label\n')).toBe(true);
    expect(CICIDS_HEADER_LINE.split(',')).toHaveLength(79);
  });

  it('writes values as the dataset does, and refuses vectors of another width', () => {
    const features = FEATURE_NAMES.map((_, i) => i + 0.5);
    features[1] = Infinity;
    features[2] = -Infinity;
    features[3] = NaN;
    const line = formatExampleLine(features, 'BENIGN');
    expect(line).toMatch(/^0\.5,Infinity,-Infinity,NaN,4\.5,.*,77\.5,BENIGN\n$/);
    expect(formatExampleLine(features.slice(1), 'BENIGN')).toBeNull();
    expect(formatExampleLine([...features, 1], 'BENIGN')).toBeNull();
  });

  it('quotes a label only when it must', () => {
    expect(formatLabel('Web Attack Brute Force')).toBe('Web Attack Brute Force');
    expect(formatLabel('odd, "label"')).toBe('"odd, ""label"""');
  });

  it('is read back by the training reader with the same values and labels', async () => {
    const a = FEATURE_NAMES.map((_, i) => i * 1.25);
    const b: number[] = FEATURE_NAMES.map((_, i) => (i % 2 ? 1e-7 : 123456789.125));
    b[14] = Infinity;
    const csv = CICIDS_HEADER_LINE + formatExampleLine(a, 'BENIGN') + formatExampleLine(b, 'DDoS');
    const rows = [];
    for await (const row of new FlowCsvReader(Readable.from([csv])).rows()) rows.push(row);
    expect(rows.map((r) => r.label)).toEqual(['BENIGN', 'DDoS']);
    expect(Array.from(rows[0].features)).toEqual(a);
    expect(Array.from(rows[1].features)).toEqual(b);
  });
});
