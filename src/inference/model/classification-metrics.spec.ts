import { ConfusionMatrix, spread } from './classification-metrics';
import { evaluationReport } from './detector-training';

function matrixOf(pairs: [string, string, number][], labels: string[] = []): ConfusionMatrix {
  const m = new ConfusionMatrix(labels);
  pairs.forEach(([t, p, n]) => m.add(t, p, n));
  return m;
}

describe('ConfusionMatrix', () => {
  // A: 8 right, 2 called B; B: 3 right, 1 called A; C: 0 right, 1 called B.
  const m = matrixOf([
    ['A', 'A', 8],
    ['A', 'B', 2],
    ['B', 'B', 3],
    ['B', 'A', 1],
    ['C', 'B', 1],
  ]);

  it('computes accuracy, per-class scores, macro and weighted F1', () => {
    const r = m.report();
    expect(r.accuracy).toBeCloseTo(11 / 15, 12);
    expect(r.perClass.A).toEqual({ precision: 8 / 9, recall: 0.8, f1: expect.closeTo((2 * 8) / (2 * 8 + 1 + 2), 12), support: 10 });
    expect(r.perClass.B.precision).toBeCloseTo(3 / 6, 12);
    expect(r.perClass.B.recall).toBeCloseTo(3 / 4, 12);
    expect(r.perClass.C).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    const f1A = 16 / 19;
    const f1B = 6 / 10;
    expect(r.macroF1).toBeCloseTo((f1A + f1B + 0) / 3, 12);
    expect(r.weightedF1).toBeCloseTo((10 * f1A + 4 * f1B) / 15, 12);
    expect(r.confusionMatrix).toEqual({ labels: ['A', 'B', 'C'], matrix: [[8, 2, 0], [1, 3, 0], [0, 1, 0]] });
  });

  it('counts predictions outside the true classes as errors without giving them a class', () => {
    const r = matrixOf([['BENIGN', 'BENIGN', 9], ['BENIGN', 'Anomaly', 1]]).report();
    expect(r.accuracy).toBeCloseTo(0.9, 12);
    expect(Object.keys(r.perClass)).toEqual(['BENIGN']);
    expect(r.perClass.BENIGN.recall).toBeCloseTo(0.9, 12);
    expect(r.macroF1).toBeCloseTo(r.perClass.BENIGN.f1, 12);
  });

  it('lists classes given up front even before they are seen, and leaves absent ones out of the scores', () => {
    const r = matrixOf([['A', 'A', 1]], ['X', 'A']).report();
    expect(r.confusionMatrix.labels).toEqual(['X', 'A']);
    expect(Object.keys(r.perClass)).toEqual(['A']);
  });

  it('merges the web attacks for macroF1WebMerged', () => {
    const web = matrixOf([
      ['BENIGN', 'BENIGN', 10],
      ['Web Attack Brute Force', 'Web Attack XSS', 4],
      ['Web Attack XSS', 'Web Attack Brute Force', 3],
      ['Web Attack Sql Injection', 'Web Attack Sql Injection', 1],
    ]);
    const report = evaluationReport(web);
    expect(report.perClass['Web Attack XSS'].f1).toBe(0);
    expect(report.macroF1WebMerged).toBe(1);
    expect(web.merged((l) => (l.startsWith('Web') ? 'Web' : l)).report().perClass.Web.support).toBe(8);
  });
});

describe('spread', () => {
  it('gives mean, sample standard deviation, minimum and maximum', () => {
    const s = spread([0.9, 0.95, 1]);
    expect(s.mean).toBeCloseTo(0.95, 12);
    expect(s.std).toBeCloseTo(0.05, 12);
    expect([s.min, s.max]).toEqual([0.9, 1]);
    expect(spread([0.5]).std).toBe(0);
  });
});
