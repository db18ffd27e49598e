import { FEATURE_INDEX, FEATURE_NAMES } from './feature-names';
import { parseFeatureValue, toFeatureVector } from './feature-vector';

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
});
