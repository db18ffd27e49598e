import { FEATURE_COUNT, FEATURE_INDEX } from './feature-names';
import { FittedTransform, signedLog1p } from './fitted-transform';

const idx = (name: string) => FEATURE_INDEX.get(name) as number;

/** Rows where `Flow Duration` varies, `Destination Port` takes a few values and every other feature is 0. */
function rows(durations: number[], ports: number[]): Float64Array[] {
  return durations.map((d, i) => {
    const row = new Float64Array(FEATURE_COUNT);
    row[idx('Flow Duration')] = d;
    row[idx('Destination Port')] = ports[i % ports.length];
    return row;
  });
}

describe('FittedTransform', () => {
  const training = rows([0, 10, 100, 1000, 10000, -5], [80, 80, 443, 53, 80, 22]);

  it('drops features that are constant on the training rows', () => {
    const t = FittedTransform.fit(training);
    expect(t.outputNames).toEqual(['Destination Port', 'Flow Duration']);
    expect(t.droppedFeatures).toHaveLength(FEATURE_COUNT - 2);
    expect(Array.from(t.outputSources)).toEqual([idx('Destination Port'), idx('Flow Duration')]);
  });

  it('standardises signed log1p with training statistics', () => {
    const t = FittedTransform.fit(training);
    const logs = [0, 10, 100, 1000, 10000, -5].map(signedLog1p);
    const mean = logs.reduce((a, b) => a + b) / logs.length;
    const std = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    const out = t.applyBatch(training);
    const column = Array.from({ length: training.length }, (_, i) => out[i * t.outputSize + 1]);
    column.forEach((z, i) => expect(z).toBeCloseTo((logs[i] - mean) / std, 5));
    expect(signedLog1p(-5)).toBeCloseTo(-Math.log(6), 12);
  });

  it('imputes NaN with the training median and clips infinities to the training range', () => {
    const t = FittedTransform.fit(training);
    const probe = (duration: number) => {
      const row = rows([duration], [80])[0];
      return t.apply(row)[1];
    };
    expect(probe(NaN)).toBeCloseTo(probe(100), 6);
    expect(probe(Infinity)).toBeCloseTo(probe(10000), 6);
    expect(probe(-Infinity)).toBeCloseTo(probe(-5), 6);
    expect(probe(1e12)).toBeCloseTo(probe(10000), 6);
  });

  it('ignores NaN and infinities when fitting', () => {
    const t = FittedTransform.fit(rows([1, 2, NaN, Infinity, 3], [80]));
    const column = t.toJSON().numeric.find((c) => c.feature === 'Flow Duration');
    expect(column).toMatchObject({ fill: 2, lower: 1, upper: 3 });
    expect(Number.isFinite(column?.mean)).toBe(true);
  });

  it('adds indicator columns for frequent exact values', () => {
    const t = FittedTransform.fit(training, { indicators: [{ feature: 'Destination Port', minCount: 2, maxValues: 5 }] });
    expect(t.outputNames.slice(2)).toEqual(['Destination Port=80']);
    const wide = FittedTransform.fit(training, { indicators: [{ feature: 'Destination Port', minCount: 1, maxValues: 2 }] });
    // 80 is the most frequent; among the values seen once the lowest wins.
    expect(wide.outputNames.slice(2)).toEqual(['Destination Port=22', 'Destination Port=80']);
    const out = wide.applyBatch(rows([5, 5, 5], [22, 80, 443]));
    const flags = (i: number) => Array.from(out.subarray(i * wide.outputSize + 2, (i + 1) * wide.outputSize));
    expect([flags(0), flags(1), flags(2)]).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  it('leaves excluded features and their indicator columns out of the input', () => {
    const indicators = [{ feature: 'Destination Port', minCount: 1, maxValues: 3 }];
    const t = FittedTransform.fit(training, { indicators, exclude: ['Destination Port'] });
    expect(t.outputNames).toEqual(['Flow Duration']);
    expect(t.droppedFeatures).toContain('Destination Port');
    expect(() => FittedTransform.fit(training, { exclude: ['No Such Feature'] })).toThrow(/No Such Feature/);
  });

  it('gives the same output after a JSON round trip', () => {
    const t = FittedTransform.fit(training, { indicators: [{ feature: 'Destination Port', minCount: 1, maxValues: 3 }] });
    const copy = FittedTransform.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    const probe = rows([7, NaN, Infinity, 123456], [80, 22, 9999]);
    expect(copy.applyBatch(probe)).toEqual(t.applyBatch(probe));
    expect(copy.outputNames).toEqual(t.outputNames);
  });

  it('rejects an unknown transform description and an empty training set', () => {
    expect(() => FittedTransform.fromJSON({ ...FittedTransform.fit(training).toJSON(), formatVersion: 2 as 1 })).toThrow(/unsupported/);
    expect(() => FittedTransform.fit([])).toThrow(/no rows/);
  });
});
