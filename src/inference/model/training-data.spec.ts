import { join } from 'node:path';
import { SeededRandom, stratifiedFolds } from './seeded-random';
import { parseDataSource, readDataSources, rowsBySource, strataOf, subset } from './training-data';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const original = join(fixtures, 'cicids2017-sample.csv');
const corrected = join(fixtures, 'cicids2017-improved-sample.csv');

describe('training data sources', () => {
  it('parses name=path and bare paths', () => {
    expect(parseDataSource('corrected=../data/train.csv')).toEqual({ name: 'corrected', path: '../data/train.csv' });
    expect(parseDataSource('../data/train.csv')).toEqual({ path: '../data/train.csv' });
    expect(parseDataSource('C:=x')).toEqual({ path: 'C:=x' });
  });

  it('reads the union of two extractions, naming unnamed sources after their flow meter', async () => {
    const flows = await readDataSources([{ path: original }, { path: corrected }]);
    expect(flows.stats.map((s) => s.name)).toEqual(['original', 'corrected']);
    const [a, b] = flows.stats;
    expect(flows.labels).toHaveLength(a.rows + b.rows);
    expect(flows.sources.filter((s) => s === 'original')).toHaveLength(a.rows);
    expect(b.classes['Infiltration PortScan']).toBeGreaterThan(0);
    expect(a.classes['Infiltration PortScan']).toBeUndefined();
    expect([...rowsBySource(flows).keys()]).toEqual(['original', 'corrected']);
  });

  it('refuses two sources of the same name', async () => {
    await expect(readDataSources([{ path: original }, { path: original }])).rejects.toThrow(/named original/);
  });

  it('deals folds stratified by source and class together', async () => {
    const flows = await readDataSources([{ path: original }, { path: corrected }]);
    const folds = stratifiedFolds(strataOf(flows), 5, new SeededRandom(1));
    const count = (rows: number[], source: string, label: string) =>
      rows.filter((i) => flows.sources[i] === source && flows.labels[i] === label).length;
    for (const stat of flows.stats) {
      for (const [label, n] of Object.entries(stat.classes)) {
        const perFold = folds.map((fold) => count(fold, stat.name, label));
        expect(perFold.reduce((x, y) => x + y, 0)).toBe(n);
        expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
      }
    }
    const picked = subset(flows, folds[0]);
    expect(picked.sources).toEqual(folds[0].map((i) => flows.sources[i]));
  });
});
