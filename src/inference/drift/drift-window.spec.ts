import { countBatch, DriftWindow } from './drift-window';
import { nextDrifting, readWindow } from './drift-judgement';

const T = { minFlows: 100, outOfDomainFire: 0.05, outOfDomainClear: 0.03, coverageFire: 0.9, coverageClear: 0.95 };

describe('DriftWindow', () => {
  it('sums the slices of the last window and lets older ones go', () => {
    const w = new DriftWindow(10_000, 10); // slices of 1 s
    w.add(0, { flows: 10, outside: 1, coverageSum: 10 });
    w.add(4_500, { flows: 20, outside: 2, coverageSum: 10 });
    expect(w.totals(9_999)).toEqual({ flows: 30, outside: 3, coverageSum: 20 });
    expect(w.totals(10_000)).toEqual({ flows: 20, outside: 2, coverageSum: 10 });
    // the ring slot of slice 0 is reused by slice 10: the old counts do not leak into it
    w.add(10_200, { flows: 5, outside: 0, coverageSum: 5 });
    expect(w.totals(10_300)).toEqual({ flows: 25, outside: 2, coverageSum: 15 });
    expect(w.totals(30_000)).toEqual({ flows: 0, outside: 0, coverageSum: 0 });
  });
});

describe('countBatch', () => {
  it('counts flows at or above the boundary and the share of features present in each', () => {
    const full = Float64Array.from({ length: 78 }, (_, i) => i);
    const sparse = Float64Array.from({ length: 78 }, (_, i) => (i < 8 ? i : NaN));
    const counts = countBatch([full, sparse, full], [{ anomalyScore: 0.6 }, { anomalyScore: 0.59 }, { anomalyScore: null }], 0.6);
    expect(counts.flows).toBe(3);
    expect(counts.outside).toBe(1);
    expect(counts.coverageSum).toBeCloseTo(2 + 8 / 78, 12);
  });

  it('judges a flow the EVE model scored by that model\'s boundary, as covering every feature it uses', () => {
    const sparse = Float64Array.from({ length: 78 }, (_, i) => (i < 8 ? i : NaN));
    const eve = (anomalyScore: number) => ({ anomalyScore, model: 'eve' });
    const counts = countBatch([sparse, sparse, sparse], [eve(0.7), eve(0.5), { anomalyScore: 0.7 }], 0.9, 0.6);
    expect(counts).toEqual({ flows: 3, outside: 1, coverageSum: 2 + 8 / 78 });
    expect(countBatch([sparse], [eve(0.99)], 0.5, null).outside).toBe(0);
  });
});

describe('drift judgement', () => {
  const read = (flows: number, outside: number, coverage = 1) => readWindow({ flows, outside, coverageSum: coverage * flows }, T);

  it('judges only windows with enough flows, and names the thresholds crossed', () => {
    expect(read(99, 50)).toMatchObject({ evaluated: false, reasons: [], outOfDomainRatio: 50 / 99 });
    expect(read(100, 5)).toMatchObject({ evaluated: true, reasons: ['out_of_domain'] });
    expect(read(100, 4)).toMatchObject({ evaluated: true, reasons: [] });
    expect(read(100, 0, 0.1)).toMatchObject({ reasons: ['low_coverage'], featureCoverage: 0.1 });
    expect(read(0, 0)).toMatchObject({ outOfDomainRatio: null, featureCoverage: null, evaluated: false });
  });

  it('fires at the fire thresholds and clears only past the clear thresholds or when the window empties', () => {
    expect(nextDrifting(false, read(100, 5), T)).toBe(true);
    expect(nextDrifting(false, read(50, 50), T)).toBe(false);
    expect(nextDrifting(true, read(100, 4), T)).toBe(true); // between clear and fire: keeps firing
    expect(nextDrifting(true, read(100, 2), T)).toBe(false);
    expect(nextDrifting(true, read(100, 2, 0.92), T)).toBe(true); // coverage not back yet
    expect(nextDrifting(true, read(10, 0), T)).toBe(true); // too few flows to judge: unchanged
    expect(nextDrifting(true, read(0, 0), T)).toBe(false);
  });
});
