import { groupedStratifiedFolds, SeededRandom, stratifiedFolds, stratifiedSplit } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    draw(9).forEach((x) => expect(x >= 0 && x < 1).toBe(true));
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new SeededRandom(3).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('stratifiedSplit', () => {
  const labels = [...new Array(100).fill(0), ...new Array(10).fill(1), 2, 2, 3];

  it('holds out the fraction of every class, at least one row of classes with two or more', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, new SeededRandom(1));
    const count = (rows: number[], c: number) => rows.filter((i) => labels[i] === c).length;
    expect([0, 1, 2, 3].map((c) => count(test, c))).toEqual([20, 2, 1, 0]);
    expect([0, 1, 2, 3].map((c) => count(train, c))).toEqual([80, 8, 1, 1]);
    expect(new Set([...train, ...test]).size).toBe(labels.length);
  });

  it('is reproducible for a seed', () => {
    expect(stratifiedSplit(labels, 0.3, new SeededRandom(5))).toEqual(stratifiedSplit(labels, 0.3, new SeededRandom(5)));
  });
});

describe('stratifiedFolds', () => {
  it('deals every row into exactly one fold with the classes spread evenly', () => {
    const labels = [...new Array(50).fill(0), ...new Array(7).fill(1), 2, 2];
    const folds = stratifiedFolds(labels, 5, new SeededRandom(4));
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    folds.forEach((fold) => expect(fold.filter((i) => labels[i] === 0)).toHaveLength(10));
    const ones = folds.map((fold) => fold.filter((i) => labels[i] === 1).length);
    expect(Math.max(...ones) - Math.min(...ones)).toBeLessThanOrEqual(1);
    expect(folds.map((f) => f.length).reduce((a, b) => a + b)).toBe(59);
  });
});

describe('groupedStratifiedFolds', () => {
  // class 0: one group of 30 twins and 50 single rows; class 1: 10 rows in groups of 2; one group spans both classes
  const labels = [...new Array(30).fill(0), ...new Array(50).fill(0), ...new Array(10).fill(1), 0, 1, 1];
  const groups = labels.map((_, i) => (i < 30 ? 'g30' : i < 80 ? `s${i}` : i < 90 ? `p${Math.floor(i / 2)}` : 'mixed'));

  it('keeps every group in one fold and deals every row exactly once', () => {
    const folds = groupedStratifiedFolds(labels, groups, 5, new SeededRandom(2));
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    for (const key of new Set(groups)) {
      const holding = folds.filter((fold) => fold.some((i) => groups[i] === key));
      expect(holding).toHaveLength(1);
    }
  });

  it('spreads each class over the folds as evenly as the groups allow', () => {
    const folds = groupedStratifiedFolds(labels, groups, 5, new SeededRandom(2));
    // the mixed group counts for class 1, where most of its rows are; groups of 2 and 3 allow a spread of 2
    const ones = folds.map((fold) => fold.filter((i) => labels[i] === 1 || groups[i] === 'mixed').length);
    expect(ones.reduce((a, b) => a + b)).toBe(13);
    expect(Math.max(...ones) - Math.min(...ones)).toBeLessThanOrEqual(2);
    // the 30 twins fill one fold; the 50 single rows go to the four others
    const zeros = folds.map((fold) => fold.filter((i) => labels[i] === 0 && groups[i] !== 'mixed').length);
    expect(zeros.sort((a, b) => a - b)).toEqual([12, 12, 13, 13, 30]);
  });

  it('is reproducible for a seed', () => {
    expect(groupedStratifiedFolds(labels, groups, 5, new SeededRandom(9))).toEqual(
      groupedStratifiedFolds(labels, groups, 5, new SeededRandom(9)),
    );
  });
});
