import { concatHeldOut, HeldOutLogits, macroF1Of, tuneLogitOffsets } from './decision-tuning';

/**
 * Three classes; 12 class-1 and 10 class-2 rows share logits that favour class 1 (an inseparable pair), while
 * class 1 has 10 rows of its own and class 2 only one.
 */
function heldOut(): HeldOutLogits {
  const rows: [number[], number][] = [];
  for (let i = 0; i < 50; i++) rows.push([[5, 0, 0], 0]);
  for (let i = 0; i < 10; i++) rows.push([[0, 4, 0], 1]);
  for (let i = 0; i < 12; i++) rows.push([[0, 2, 1.8], 1]);
  for (let i = 0; i < 10; i++) rows.push([[0, 2, 1.8], 2]);
  rows.push([[0, 0, 4], 2]);
  return { logits: Float32Array.from(rows.flatMap(([l]) => l)), y: Int32Array.from(rows.map(([, y]) => y)) };
}

describe('macroF1Of', () => {
  it('scores argmax(logits + offsets)', () => {
    const data = heldOut();
    // Without offsets the 22 shared rows go to class 1: F1 = 1, 2·22/(22+32), 2·1/(11+1).
    expect(macroF1Of(data, 3, [0, 0, 0])).toBeCloseTo((1 + 44 / 54 + 2 / 12) / 3, 12);
    // Class 2 offset 0.5 sends them to class 2: F1 = 1, 2·10/(22+10), 2·11/(11+23).
    expect(macroF1Of(data, 3, [0, 0, 0.5])).toBeCloseTo((1 + 20 / 32 + 22 / 34) / 3, 12);
  });
});

describe('tuneLogitOffsets', () => {
  it('moves an offset only when macro-F1 rises, and never beyond the range', () => {
    const data = heldOut();
    const offsets = tuneLogitOffsets(data, 3, [0, 0, 0], { range: 1, step: 0.25, minGain: 1e-3, rounds: 3 });
    expect(macroF1Of(data, 3, offsets)).toBeGreaterThan(macroF1Of(data, 3, [0, 0, 0]));
    offsets.forEach((o) => expect(Math.abs(o)).toBeLessThanOrEqual(1));
  });

  it('keeps the start when no move helps by minGain', () => {
    const data = heldOut();
    expect(tuneLogitOffsets(data, 3, [0.1, 0.2, 0.3], { range: 1, step: 0.25, minGain: 1, rounds: 3 })).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('concatHeldOut', () => {
  it('stacks rows in order', () => {
    const a = { logits: Float32Array.from([1, 2]), y: Int32Array.from([0]) };
    const b = { logits: Float32Array.from([3, 4, 5, 6]), y: Int32Array.from([1, 0]) };
    const both = concatHeldOut([a, b]);
    expect(Array.from(both.logits)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(both.y)).toEqual([0, 1, 0]);
  });
});
