import { join } from 'node:path';
import { eveFeatures } from './eve-features';
import { EVE_FEATURE_NAMES, EVE_TCP_FEATURE, EVE_UNLEARNED_FEATURES, eveRecordOf, featureCoverage, LINK_AND_IP_HEADER_BYTES, projectRows, projectToEve } from './eve-projection';
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from './feature-names';
import { FlowCsvReader, FlowRow } from './flow-csv-reader';

const SAMPLE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'cicids2017-sample.csv');
const at = (row: ArrayLike<number>, name: string) => row[FEATURE_INDEX.get(name)!];

describe('projection of CIC-IDS2017 rows to what a Suricata EVE flow record supplies', () => {
  let rows: FlowRow[];
  beforeAll(async () => {
    rows = [];
    for await (const row of new FlowCsvReader(SAMPLE).rows()) rows.push(row);
  });

  it('keeps exactly the features an EVE flow record yields and leaves the others missing', () => {
    expect(EVE_FEATURE_NAMES).toHaveLength(38);
    expect(EVE_FEATURE_NAMES).toEqual(expect.arrayContaining(['Destination Port', 'Flow Duration', 'Total Fwd Packets', 'SYN Flag Count']));
    expect(EVE_FEATURE_NAMES).not.toContain('Flow IAT Mean');
    expect(EVE_FEATURE_NAMES).not.toContain('Init_Win_bytes_forward');
    // a zero duration leaves the rates missing, as it does for a single-packet EVE flow
    for (const row of rows.filter((r) => at(r.features, 'Flow Duration') > 0)) {
      const projected = projectToEve(row.features);
      FEATURE_NAMES.forEach((name, j) => expect([name, Number.isNaN(projected[j])]).toEqual([name, !EVE_FEATURE_NAMES.includes(name)]));
    }
  });

  it('counts whole packets: payload, transport header and the Ethernet and IPv4 headers of each packet', () => {
    const row = rows.find((r) => r.label === 'BENIGN' && at(r.features, 'Total Fwd Packets') > 2)!.features;
    const pkts = at(row, 'Total Fwd Packets');
    const { counters } = eveRecordOf(row);
    const header = Math.min(Math.max(at(row, 'Fwd Header Length'), 8 * pkts), 60 * pkts);
    expect(counters.bytesToServer).toBe(at(row, 'Total Length of Fwd Packets') + header + LINK_AND_IP_HEADER_BYTES * pkts);
    expect(counters.pktsToServer).toBe(pkts);
    expect(counters.endUs! - counters.startUs!).toBe(at(row, 'Flow Duration'));
    const projected = projectToEve(row);
    expect(at(projected, 'Total Length of Fwd Packets')).toBe(counters.bytesToServer);
    expect(at(projected, 'Fwd Packet Length Mean')).toBeCloseTo(counters.bytesToServer! / pkts);
    expect(at(projected, 'Destination Port')).toBe(at(row, 'Destination Port'));
  });

  it('reads flags as seen or not, per direction for PSH and URG', () => {
    const row = Float64Array.from(rows[0].features);
    row[FEATURE_INDEX.get('SYN Flag Count')!] = 2;
    row[FEATURE_INDEX.get('RST Flag Count')!] = 0;
    row[FEATURE_INDEX.get('Fwd PSH Flags')!] = 1;
    row[FEATURE_INDEX.get('Bwd PSH Flags')!] = 0;
    const projected = projectToEve(row);
    expect(at(projected, 'SYN Flag Count')).toBe(1);
    expect(at(projected, 'RST Flag Count')).toBe(0);
    expect(at(projected, 'Fwd PSH Flags')).toBe(1);
    expect(at(projected, 'Bwd PSH Flags')).toBe(0);
  });

  it('measures feature coverage: complete rows 1, EVE flows 38 of 78, nothing 0', () => {
    const complete = rows.find((r) => r.features.every((v) => !Number.isNaN(v)))!;
    expect(featureCoverage(complete.features)).toBe(1);
    expect(featureCoverage(projectToEve(complete.features))).toBeCloseTo(38 / 78, 12);
    const eve = eveFeatures(53, { pktsToServer: 1, pktsToClient: 1, bytesToServer: 74, bytesToClient: 90, startUs: 0, endUs: 1200 }, null);
    expect(featureCoverage(eve)).toBeCloseTo(38 / 78, 12);
    expect(featureCoverage(new Float64Array(FEATURE_COUNT).fill(NaN))).toBe(0);
  });

  it('trains the EVE model without the TCP flag features, whose CIC-IDS2017 counts do not mean what Suricata reports', () => {
    const features = rows.map((r) => r.features);
    expect(projectRows(features, 'full')).toBe(features);
    const training = projectRows(features, 'eve');
    expect(training[3]).toEqual(projectToEve(features[3], true));
    for (const name of EVE_UNLEARNED_FEATURES) {
      expect(at(training[3], name)).toBeNaN();
      expect(at(projectToEve(features[3]), name)).not.toBeNaN();
    }
    expect(at(training[3], 'Total Fwd Packets')).toBe(at(features[3], 'Total Fwd Packets'));
  });

  it('keeps one flag, read as "a TCP flow": any TCP flag counted in training, Suricata\'s SYN at run time', () => {
    const dns = rows.find((r) => at(r.features, 'Destination Port') === 53 && r.label === 'BENIGN')!.features;
    const web = Float64Array.from(rows.find((r) => (r.label ?? '').startsWith('DoS'))!.features);
    for (const name of ['FIN Flag Count', 'SYN Flag Count', 'RST Flag Count', 'ACK Flag Count', 'URG Flag Count']) web[FEATURE_INDEX.get(name)!] = 0;
    web[FEATURE_INDEX.get('PSH Flag Count')!] = 1;
    expect(at(projectToEve(dns, true), EVE_TCP_FEATURE)).toBe(0);
    expect(at(projectToEve(web, true), EVE_TCP_FEATURE)).toBe(1);
    expect(at(projectToEve(web), EVE_TCP_FEATURE)).toBe(0);
    expect(EVE_UNLEARNED_FEATURES).not.toContain(EVE_TCP_FEATURE);
  });
});
