import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_INDEX, FEATURE_NAMES } from './feature-names';
import { parseFeatureValue, toFeatureVector } from './feature-vector';
import { FlowCsvReader, FlowRow } from './flow-csv-reader';

const record = (overrides: Record<string, unknown> = {}, spell = (n: string) => ` ${n}`): Record<string, unknown> => ({
  ...Object.fromEntries(FEATURE_NAMES.map((name, i) => [spell(name), String(i + 0.5)])),
  ...overrides,
});
const at = (values: Float64Array, name: string) => values[FEATURE_INDEX.get(name) as number];

describe('parseFeatureValue', () => {
  it.each([
    ['12', 12],
    [' -3.5e2 ', -350],
    ['.5', 0.5],
    ['inf', Infinity],
    ['Infinity', Infinity],
    ['-inf', -Infinity],
    ['+INF', Infinity],
    [7, 7],
    [Infinity, Infinity],
  ])('reads %j', (raw, expected) => {
    expect(parseFeatureValue(raw)).toBe(expected);
  });

  it.each([[''], ['  '], ['NaN'], ['nan'], [null], [undefined], [NaN]])('treats %j as missing (NaN)', (raw) => {
    expect(parseFeatureValue(raw)).toBeNaN();
  });

  it.each([['abc'], ['0x10'], ['1,5'], ['12abc'], [true], [{}]])('rejects %j', (raw) => {
    expect(parseFeatureValue(raw)).toBeUndefined();
  });
});

describe('toFeatureVector', () => {
  it('orders a record with the published spellings canonically', () => {
    const result = toFeatureVector(record());
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(Array.from(result.values)).toEqual(FEATURE_NAMES.map((_, i) => i + 0.5));
  });

  it('accepts snake_case keys and numbers', () => {
    const input = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), i]));
    const result = toFeatureVector(input);
    expect(result.ok && Array.from(result.values)).toEqual(FEATURE_NAMES.map((_, i) => i));
  });

  it('keeps inf and turns empty, null and NaN into NaN', () => {
    const result = toFeatureVector(
      record({ ' Flow Bytes/s': 'Infinity', ' Flow Packets/s': 'inf', ' Flow IAT Std': '', ' Idle Std': null, ' Idle Max': 'NaN' }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(at(result.values, 'Flow Bytes/s')).toBe(Infinity);
    expect(at(result.values, 'Flow Packets/s')).toBe(Infinity);
    expect(at(result.values, 'Flow IAT Std')).toBeNaN();
    expect(at(result.values, 'Idle Std')).toBeNaN();
    expect(at(result.values, 'Idle Max')).toBeNaN();
  });

  it('takes Fwd Header Length.1 from Fwd Header Length when absent', () => {
    const input = record();
    delete input[' Fwd Header Length.1'];
    const result = toFeatureVector(input);
    expect(result.ok && at(result.values, 'Fwd Header Length.1')).toBe(at((result as { values: Float64Array }).values, 'Fwd Header Length'));
  });

  it('ignores flow identity fields and the label', () => {
    const result = toFeatureVector(record({ 'Source IP': '198.18.0.1', ' Timestamp': '7/7/2017 9:00', Label: 'BENIGN' }));
    expect(result.ok).toBe(true);
  });

  it('reports missing, unknown, repeated and non-numeric features by field', () => {
    const input = record({ Bogus: 1, flow_duration: 3, ' Total Fwd Packets': 'many' });
    delete input[' Idle Min'];
    const result = toFeatureVector(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        { field: 'Bogus', reason: 'unknown feature' },
        { field: 'flow_duration', reason: 'repeats feature Flow Duration' },
        { field: ' Total Fwd Packets', reason: 'must be a number' },
        { field: 'Idle Min', reason: 'missing' },
      ]),
    );
    expect(!result.ok && result.errors).toHaveLength(4);
  });

  it('ignores unknown keys when asked to', () => {
    expect(toFeatureVector(record({ Bogus: 1 }), { allowUnknown: true }).ok).toBe(true);
  });

  it('reads an ordered array of 78 values and rejects other lengths', () => {
    const values = FEATURE_NAMES.map((_, i) => (i === 14 ? 'inf' : i));
    const result = toFeatureVector(values);
    expect(result.ok && result.values[14]).toBe(Infinity);
    expect(toFeatureVector(values.slice(1))).toEqual({ ok: false, errors: [{ field: '', reason: 'expected 78 values, got 77' }] });
    const bad = toFeatureVector(values.map((v, i) => (i === 3 ? 'x' : v)));
    expect(bad).toEqual({ ok: false, errors: [{ field: 'Total Backward Packets', reason: 'must be a number' }] });
  });

  it('reads records of a shape it has seen as it reads the first one, and still reports their problems', () => {
    const numbers = (offset: number) => Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i + offset]));
    const expected = (offset: number) => Float64Array.from(FEATURE_NAMES, (_, i) => i + offset);
    for (let round = 0; round < 3; round++) {
      expect(toFeatureVector(numbers(round))).toEqual({ ok: true, values: expected(round) });
    }
    // same keys, same order: a value that is not a number, a missing value
    expect(toFeatureVector({ ...numbers(0), 'Flow Duration': 'x' })).toEqual({ ok: false, errors: [{ field: 'Flow Duration', reason: 'must be a number' }] });
    expect(toFeatureVector({ ...numbers(0), 'Flow Duration': null }).ok).toBe(true);
    // a key more, a key less, the same keys in another order, after the shape was seen
    expect(toFeatureVector({ ...numbers(0), Bogus: 1 })).toEqual({ ok: false, errors: [{ field: 'Bogus', reason: 'unknown feature' }] });
    const { 'Flow Duration': _dropped, ...fewer } = numbers(0);
    expect(toFeatureVector(fewer)).toEqual({ ok: false, errors: [{ field: 'Flow Duration', reason: 'missing' }] });
    const reversed = Object.fromEntries(Object.entries(numbers(1)).reverse());
    expect(toFeatureVector(reversed)).toEqual({ ok: true, values: expected(1) });
    expect(toFeatureVector(numbers(2))).toEqual({ ok: true, values: expected(2) });
    // a shape naming one feature twice is never read the quick way
    const twice = { ...numbers(0), flow_duration: 5 };
    for (let round = 0; round < 2; round++) {
      expect(toFeatureVector(twice)).toEqual({ ok: false, errors: [{ field: 'flow_duration', reason: 'repeats feature Flow Duration' }] });
    }
    // without Fwd Header Length.1, it is a copy of Fwd Header Length on every read
    const { 'Fwd Header Length.1': _copy, ...noCopy } = numbers(3);
    for (let round = 0; round < 2; round++) {
      const result = toFeatureVector({ ...noCopy, 'Fwd Header Length': 40 + round });
      expect(result.ok && [at(result.values, 'Fwd Header Length'), at(result.values, 'Fwd Header Length.1')]).toEqual([40 + round, 40 + round]);
    }
  });
});

describe('toFeatureVector on the dialects of flow-dialects.ts', () => {
  const fixture = (name: string) => join(__dirname, '..', '..', '..', 'test', 'fixtures', name);
  const [headerLine, ...rowLines] = readFileSync(fixture('cicids2017-improved-sample.csv'), 'utf8').split('\r\n').filter(Boolean);
  const header = headerLine.split(',');
  /** A real row of the corrected meter as a JSON record keyed by its own column names, ports and label included. */
  const recordOf = (line: string) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell]));

  it('reads records keyed by the corrected meter names, extras ignored, like the CSV reader does', async () => {
    const rows: FlowRow[] = [];
    for await (const row of new FlowCsvReader(fixture('cicids2017-improved-sample.csv')).rows()) rows.push(row);
    // twice over: the second pass takes the known-shape fast path
    for (const pass of [1, 2]) {
      rowLines.forEach((line, i) => {
        const result = toFeatureVector(recordOf(line));
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect([pass, i, Array.from(result.values)]).toEqual([pass, i, Array.from(rows[i].features)]);
      });
    }
    const udp = toFeatureVector(recordOf(rowLines[0]));
    expect(udp.ok && [at(udp.values, 'Init_Win_bytes_forward'), at(udp.values, 'Init_Win_bytes_backward')]).toEqual([-1, -1]);
  });

  it('reads records keyed by the CICFlowMeter-V4 / CSE-CIC-IDS2018 names', () => {
    const v4 = readFileSync(fixture('headers/cse-cic-ids2018.csv'), 'utf8').trim().split(',');
    const input = Object.fromEntries(v4.map((name, i) => [name, name === 'Timestamp' ? '15/02/2018 10:30:00' : name === 'Label' ? 'Benign' : i + 0.5]));
    const result = toFeatureVector(input);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(at(result.values, 'Destination Port')).toBe(0.5);
    expect(at(result.values, 'Flow Duration')).toBe(3.5);
    expect(at(result.values, 'Fwd Header Length.1')).toBe(at(result.values, 'Fwd Header Length'));
  });
});
