import { averagePathLength, IsolationForest } from './isolation-forest';
import { SeededRandom } from './seeded-random';

/** 500 points of a 2-D Gaussian blob around the origin. */
function blob(seed: number, rows = 500): Float32Array {
  const r = new SeededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  return Float32Array.from({ length: rows * 2 }, gauss);
}

describe('IsolationForest', () => {
  const data = blob(1);
  const forest = IsolationForest.fit(data, 2, { trees: 100, sampleSize: 128, seed: 9 });

  it('scores far points above ordinary ones', () => {
    const inlier = forest.score([0.1, -0.2]);
    const outlier = forest.score([8, 8]);
    expect(outlier).toBeGreaterThan(0.65);
    expect(inlier).toBeLessThan(0.5);
    const scores = forest.scoreBatch(data);
    const sorted = Array.from(scores).sort((a, b) => a - b);
    expect(outlier).toBeGreaterThan(sorted[sorted.length - 1]);
  });

  it('is reproducible for a seed and survives a JSON round trip', () => {
    const again = IsolationForest.fit(data, 2, { trees: 100, sampleSize: 128, seed: 9 });
    const copy = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
    const probe = Float32Array.from([0, 0, 3, -3, 8, 8, -1, 2]);
    expect(again.scoreBatch(probe)).toEqual(forest.scoreBatch(probe));
    expect(copy.scoreBatch(probe)).toEqual(forest.scoreBatch(probe));
    expect(IsolationForest.fit(data, 2, { trees: 100, sampleSize: 128, seed: 10 }).scoreBatch(probe)).not.toEqual(
      forest.scoreBatch(probe),
    );
  });

  it('handles constant columns and reads rows at an offset', () => {
    const flat = Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 5 : i));
    const f = IsolationForest.fit(flat, 2, { trees: 10, sampleSize: 16, seed: 1 });
    expect(f.score(Float32Array.from([99, 0, 2, 5]), 2)).toBeCloseTo(f.score([2, 5]), 12);
  });

  it('uses the average path length of Liu et al.', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 12);
  });

  it('needs two rows', () => {
    expect(() => IsolationForest.fit(Float32Array.from([1, 2]), 2)).toThrow(/two rows/);
  });
});
