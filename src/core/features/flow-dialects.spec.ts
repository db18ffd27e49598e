import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_INDEX, FEATURE_NAMES, META_FIELDS } from './feature-names';
import { FlowCsvReader, FlowRow } from './flow-csv-reader';
import { EXTRA_COLUMNS, FEATURE_SPELLINGS, FlowDialect, harmoniseEncodings, META_SPELLINGS, METERS } from './flow-dialects';
import { headerKey, normaliseHeader, resolveColumns } from './header-normaliser';

/** Header lines copied byte for byte from real files (see test/fixtures/cicids2017-README.md). */
const realHeader = (name: string): string[] =>
  readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'headers', `${name}.csv`), 'utf8')
    .split(/\r?\n/, 1)[0]
    .split(',');

describe('the dialect mapping table', () => {
  it('lists the 78 features once, in canonical order', () => {
    expect(FEATURE_SPELLINGS.map(([canonical]) => canonical)).toEqual([...FEATURE_NAMES]);
    expect(META_SPELLINGS.map(([canonical]) => canonical)).toEqual(Object.values(META_FIELDS));
  });

  it('never gives one spelling two meanings, across every dialect', () => {
    const meaning = new Map<string, string>();
    for (const [canonical, ...spellings] of [...FEATURE_SPELLINGS, ...META_SPELLINGS]) {
      for (const spelling of spellings) {
        const key = headerKey(spelling);
        expect([key, meaning.get(key) ?? canonical]).toEqual([key, canonical]);
        meaning.set(key, canonical);
      }
    }
    for (const meter of METERS) for (const extra of EXTRA_COLUMNS[meter]) expect(meaning.has(headerKey(extra))).toBe(false);
  });
});

describe.each<[string, FlowDialect, number, boolean]>([
  ['machine-learning-cve', 'machine-learning-cve', 79, false],
  ['generated-labelled-flows', 'generated-labelled-flows', 85, true],
  ['cicflowmeter-v4', 'cicflowmeter-v4', 84, true],
  ['cse-cic-ids2018', 'cicflowmeter-v4', 80, false],
  ['cicflowmeter-corrected', 'cicflowmeter-corrected', 91, true],
])('the real %s header', (file, dialect, columns, addresses) => {
  const header = realHeader(file);
  const layout = resolveColumns(header);

  it(`is detected as ${dialect} and names every feature and the label`, () => {
    expect(header).toHaveLength(columns);
    expect(layout.dialect).toBe(dialect);
    expect(layout).toMatchObject({ missing: [], unknown: [], duplicated: [] });
    expect(header[layout.labelColumn].trim()).toBe('Label');
    expect(layout.metaColumns.srcIp !== undefined).toBe(addresses);
    expect(layout.metaColumns.timestamp !== undefined).toBe(dialect !== 'machine-learning-cve');
  });

  it('maps each column to the feature the table says', () => {
    const meter = dialect === 'cicflowmeter-v4' ? 2 : dialect === 'cicflowmeter-corrected' ? 3 : 1;
    const headerLength = FEATURE_SPELLINGS[FEATURE_INDEX.get('Fwd Header Length') as number][meter];
    for (const row of FEATURE_SPELLINGS) {
      const column = layout.featureColumns[FEATURE_INDEX.get(row[0]) as number];
      // only MachineLearningCVE names the copy `.1`; other files repeat the name or write it once
      const copy = row[0] === 'Fwd Header Length.1' && file !== 'machine-learning-cve';
      expect([row[0], header[column].trim()]).toEqual([row[0], copy ? headerLength : row[meter]]);
    }
  });
});

describe('dialect spellings', () => {
  it.each([
    ['Dst Port', 'Destination Port'],
    ['Tot Fwd Pkts', 'Total Fwd Packets'],
    ['TotLen Fwd Pkts', 'Total Length of Fwd Packets'],
    ['Fwd Pkt Len Max', 'Fwd Packet Length Max'],
    ['Init Fwd Win Byts', 'Init_Win_bytes_forward'],
    ['Fwd Seg Size Min', 'min_seg_size_forward'],
    ['Pkt Len Var', 'Packet Length Variance'],
    ['Total Fwd Packet', 'Total Fwd Packets'],
    ['Total Bwd packets', 'Total Backward Packets'],
    ['FWD Init Win Bytes', 'Init_Win_bytes_forward'],
    ['Fwd Act Data Pkts', 'act_data_pkt_fwd'],
    ['CWR Flag Count', 'CWE Flag Count'],
    ['Packet Length Min', 'Min Packet Length'],
    ['Fwd Segment Size Avg', 'Avg Fwd Segment Size'],
    ['Src IP', 'Source IP'],
  ])('%j is %j', (spelling, canonical) => {
    expect(normaliseHeader(spelling)).toBe(canonical);
  });

  it('knows the corrected meter new features and columns as extras, not unknown', () => {
    const layout = resolveColumns(realHeader('cicflowmeter-corrected'));
    expect(layout.extra).toEqual([
      'id',
      'Fwd RST Flags',
      'Bwd RST Flags',
      'ICMP Code',
      'ICMP Type',
      'Total TCP Flow Time',
      'Attempted Category',
    ]);
  });
});

describe('harmoniseEncodings', () => {
  const at = (name: string) => FEATURE_INDEX.get(name) as number;
  const vector = (values: Record<string, number>) => {
    const v = new Float64Array(FEATURE_NAMES.length);
    for (const [name, value] of Object.entries(values)) v[at(name)] = value;
    return v;
  };

  it('writes "no window seen" as -1: a flow without TCP flags, or a direction without packets', () => {
    const udp = vector({ 'Total Fwd Packets': 2, 'Total Backward Packets': 2 });
    harmoniseEncodings(udp);
    expect([udp[at('Init_Win_bytes_forward')], udp[at('Init_Win_bytes_backward')]]).toEqual([-1, -1]);
    const synOnly = vector({ 'Total Fwd Packets': 1, 'SYN Flag Count': 1, Init_Win_bytes_forward: 1024 });
    harmoniseEncodings(synOnly);
    expect([synOnly[at('Init_Win_bytes_forward')], synOnly[at('Init_Win_bytes_backward')]]).toEqual([1024, -1]);
  });

  it('keeps a real zero window (a RST reply) and leaves original -1 values alone', () => {
    const rst = vector({ 'Total Fwd Packets': 1, 'Total Backward Packets': 1, 'RST Flag Count': 1, Init_Win_bytes_forward: 1024 });
    harmoniseEncodings(rst);
    expect([rst[at('Init_Win_bytes_forward')], rst[at('Init_Win_bytes_backward')]]).toEqual([1024, 0]);
    const original = vector({ 'Total Fwd Packets': 2, Init_Win_bytes_forward: -1, Init_Win_bytes_backward: -1 });
    harmoniseEncodings(original);
    expect([original[at('Init_Win_bytes_forward')], original[at('Init_Win_bytes_backward')]]).toEqual([-1, -1]);
  });
});

describe('harmoniseEncodings on real rows', () => {
  const fixture = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', name);
  const windows = (row: { features: Float64Array }) => [
    row.features[FEATURE_INDEX.get('Init_Win_bytes_forward') as number],
    row.features[FEATURE_INDEX.get('Init_Win_bytes_backward') as number],
  ];

  it('changes nothing in the original extraction', async () => {
    const text = readFileSync(fixture('cicids2017-sample.csv'), 'utf8').trim().split(/\r?\n/);
    const header = text[0].split(',').map((c) => c.trim());
    const [fwd, bwd] = [header.indexOf('Init_Win_bytes_forward'), header.indexOf('Init_Win_bytes_backward')];
    const rows: FlowRow[] = [];
    for await (const row of new FlowCsvReader(fixture('cicids2017-sample.csv')).rows()) rows.push(row);
    expect(rows.map(windows)).toEqual(text.slice(1).map((line) => [Number(line.split(',')[fwd]), Number(line.split(',')[bwd])]));
    expect(rows.filter((r) => windows(r)[0] === -1).length).toBeGreaterThan(0);
  });

  it('gives the corrected extraction the original encoding: -1 for UDP, real zero windows kept', async () => {
    const rows: FlowRow[] = [];
    for await (const row of new FlowCsvReader(fixture('cicids2017-improved-sample.csv')).rows()) rows.push(row);
    const udp = rows.filter((r) => r.meta.protocol === 17);
    expect(udp.length).toBeGreaterThan(0);
    expect(udp.every((r) => windows(r).every((w) => w === -1))).toBe(true);
    const tcp = rows.filter((r) => r.meta.protocol === 6);
    const bwdPackets = FEATURE_INDEX.get('Total Backward Packets') as number;
    expect(tcp.some((r) => r.features[bwdPackets] > 0 && windows(r)[1] === 0)).toBe(true);
    expect(rows.flatMap(windows).every((w) => w === -1 || w >= 0)).toBe(true);
  });
});
