import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FEATURE_INDEX } from './feature-names';
import { FlowCsvReader, FlowRow } from './flow-csv-reader';

const fixture = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', name);
const sample = readFileSync(fixture('cicids2017-sample.csv'), 'utf8');
const [header, ...lines] = sample.trim().split('\n');

async function readAll(reader: FlowCsvReader): Promise<FlowRow[]> {
  const rows: FlowRow[] = [];
  for await (const row of reader.rows()) rows.push(row);
  return rows;
}

const countBy = (rows: FlowRow[]) =>
  rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.label as string]: (acc[r.label as string] ?? 0) + 1 }), {});

describe('FlowCsvReader', () => {
  it('reads the MachineLearningCVE format with normalised labels and infinities kept', async () => {
    const reader = new FlowCsvReader(fixture('cicids2017-sample.csv'));
    const rows = await readAll(reader);
    expect(reader.stats).toMatchObject({ files: 1, rows: 179, skipped: 0 });
    expect(countBy(rows)).toMatchObject({ BENIGN: 15, 'Web Attack XSS': 15, 'Web Attack Sql Injection': 12, PortScan: 17 });
    expect(Object.keys(countBy(rows))).toHaveLength(12);
    const infinite = rows.filter((r) => r.features[FEATURE_INDEX.get('Flow Bytes/s') as number] === Infinity);
    expect(infinite).toHaveLength(2);
    expect(rows[0].meta.srcIp).toBeUndefined();
    expect(rows[0].meta.dstPort).toBe(rows[0].features[0]);
  });

  it('reads the GeneratedLabelledFlows format with flow identity', async () => {
    const reader = new FlowCsvReader(fixture('cicids2017-generated-sample.csv'));
    const rows = await readAll(reader);
    expect(reader.stats).toMatchObject({ rows: 48, skipped: 0, ignoredColumns: [] });
    expect(Object.keys(countBy(rows))).toHaveLength(12);
    const meta = rows[0].meta;
    expect(meta.srcIp).toMatch(/^198\.1[89]\./);
    expect(meta.dstIp).toMatch(/^198\.1[89]\./);
    expect(meta.flowId).toBe(`${meta.srcIp}-${meta.dstIp}-${meta.srcPort}-${meta.dstPort}-${meta.protocol}`);
    expect(meta.timestamp).toMatch(/^7\/7\/2017 /);
  });

  it('gives the same features for a row in both formats', async () => {
    const plain = await readAll(new FlowCsvReader(fixture('cicids2017-sample.csv')));
    const generated = await readAll(new FlowCsvReader(fixture('cicids2017-generated-sample.csv')));
    const key = (r: FlowRow) => `${r.label}|${Array.from(r.features).join(',')}`;
    const known = new Set(plain.map(key));
    expect(generated.every((r) => known.has(key(r)))).toBe(true);
  });

  it('counts and skips unreadable rows', async () => {
    const good = lines[0];
    const cells = good.split(',');
    const text = [
      header,
      good,
      cells.slice(1).join(','),
      [...cells.slice(0, 5), 'abc', ...cells.slice(6)].join(','),
      [...cells.slice(0, -1), ' '].join(','),
      header,
      [...cells.slice(0, 14), '', ...cells.slice(15)].join(','),
      '',
    ].join('\n');
    const reader = new FlowCsvReader(Readable.from([text]));
    const rows = await readAll(reader);
    expect(rows).toHaveLength(2);
    expect(rows[1].features[14]).toBeNaN();
    expect(reader.stats).toMatchObject({
      rows: 2,
      skipped: 4,
      skippedBy: { 'column count': 1, 'non-numeric value': 1, 'missing label': 1, 'repeated header': 1 },
    });
  });

  it('refuses a file that lacks feature columns', async () => {
    const reader = new FlowCsvReader(Readable.from(['a,b,Label\n1,2,BENIGN\n']));
    await expect(readAll(reader)).rejects.toThrow(/missing columns: Destination Port, Flow Duration/);
  });

  it('reads every CSV file of a directory, each with its own header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    try {
      writeFileSync(join(dir, 'a.csv'), [header, ...lines.slice(0, 3)].join('\n'));
      writeFileSync(join(dir, 'b.csv'), readFileSync(fixture('cicids2017-generated-sample.csv')));
      writeFileSync(join(dir, 'notes.txt'), 'not a csv');
      const reader = new FlowCsvReader(dir);
      const batches: number[] = [];
      for await (const batch of reader.batches(20)) batches.push(batch.length);
      expect(batches).toEqual([20, 20, 11]);
      expect(reader.stats).toMatchObject({ files: 2, rows: 51 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FlowCsvReader on the corrected CICFlowMeter dialect', () => {
  it('reads real rows as-is: features mapped, labels normalised, windows harmonised, addresses kept', async () => {
    const reader = new FlowCsvReader(fixture('cicids2017-improved-sample.csv'));
    const rows = await readAll(reader);
    expect(reader.stats).toMatchObject({
      rows: 154,
      skipped: 0,
      ignoredColumns: [],
      dialects: ['cicflowmeter-corrected'],
      attemptedAsBenign: 0,
    });
    expect(countBy(rows)).toEqual({
      BENIGN: 10, Bot: 10, DDoS: 10, 'DoS GoldenEye': 10, 'DoS Hulk': 10, 'DoS Slowhttptest': 10, 'DoS slowloris': 10,
      'FTP-Patator': 10, Heartbleed: 6, Infiltration: 10, 'Infiltration PortScan': 10, PortScan: 10, 'SSH-Patator': 10,
      'Web Attack Brute Force': 10, 'Web Attack Sql Injection': 8, 'Web Attack XSS': 10,
    });
    const first = rows[0];
    // first data row: 192.168.10.25:123 → 17.253.14.125:123 UDP, 2 packets each way, windows written as 0
    expect(first.meta).toMatchObject({ srcIp: '192.168.10.25', dstIp: '17.253.14.125', srcPort: 123, dstPort: 123, protocol: 17 });
    expect(first.meta.timestamp).toBe('2017-07-07 12:02:55.371187');
    expect(first.features[FEATURE_INDEX.get('Total Fwd Packets') as number]).toBe(2);
    expect(first.features[FEATURE_INDEX.get('Flow Duration') as number]).toBe(66021092);
    expect(first.features[FEATURE_INDEX.get('Init_Win_bytes_forward') as number]).toBe(-1);
    expect(first.features[FEATURE_INDEX.get('Init_Win_bytes_backward') as number]).toBe(-1);
    const header = FEATURE_INDEX.get('Fwd Header Length') as number;
    expect(first.features[FEATURE_INDEX.get('Fwd Header Length.1') as number]).toBe(first.features[header]);
    expect(rows.every((r) => r.meta.srcIp && r.meta.dstIp)).toBe(true);
  });

  it('reads attempted attacks as BENIGN and counts them', async () => {
    const [head, row] = readFileSync(fixture('cicids2017-improved-sample.csv'), 'utf8').split(/\r?\n/);
    const cells = row.split(',');
    cells[cells.length - 2] = 'FTP-Patator - Attempted';
    const reader = new FlowCsvReader(Readable.from([`${head}\n${cells.join(',')}\n`]));
    const rows = await readAll(reader);
    expect(rows.map((r) => r.label)).toEqual(['BENIGN']);
    expect(reader.stats.attemptedAsBenign).toBe(1);
  });
});
