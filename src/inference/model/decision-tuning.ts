/**
 * Per-class logit offsets tuned for macro-F1 (the "plug-in" classifier for F-measures: Koyejo et al. 2014,
 * Narasimhan et al. 2015): starting from the logit adjustment, each class's offset moves along a grid while that
 * raises the macro-F1 of held-out predictions by at least `minGain`. It changes verdicts only where classes
 * overlap: in CIC-IDS2017, Web Attack Brute Force, XSS and Sql Injection flows that look alike.
 */
export interface OffsetTuningOptions {
  /** Largest move away from the starting offset. */
  range: number;
  step: number;
  /** Smallest macro-F1 gain that justifies a move. */
  minGain: number;
  rounds: number;
}

export const DEFAULT_OFFSET_TUNING: OffsetTuningOptions = { range: 1.5, step: 0.25, minGain: 1e-3, rounds: 3 };

/** Raw network logits (row-major, one row per flow) with the true class index of each row. */
export interface HeldOutLogits {
  logits: Float32Array;
  y: Int32Array;
}

export function tuneLogitOffsets(
  heldOut: HeldOutLogits,
  classCount: number,
  start: readonly number[],
  options: OffsetTuningOptions = DEFAULT_OFFSET_TUNING,
): number[] {
  let best = [...start];
  let bestScore = macroF1Of(heldOut, classCount, best);
  const moves: number[] = [];
  for (let m = -options.range; m <= options.range + 1e-9; m += options.step) moves.push(m);
  for (let round = 0; round < options.rounds; round++) {
    let improved = false;
    for (let c = 0; c < classCount; c++) {
      for (const move of moves) {
        const candidate = [...best];
        candidate[c] = start[c] + move;
        const score = macroF1Of(heldOut, classCount, candidate);
        if (score > bestScore + options.minGain) {
          [best, bestScore, improved] = [candidate, score, true];
        }
      }
    }
    if (!improved) break;
  }
  return best;
}

/** Macro-F1 (over classes present in `y`) of argmax(logits + offsets). */
export function macroF1Of(heldOut: HeldOutLogits, classCount: number, offsets: readonly number[]): number {
  const { logits, y } = heldOut;
  const tp = new Float64Array(classCount);
  const predicted = new Float64Array(classCount);
  const support = new Float64Array(classCount);
  for (let i = 0; i < y.length; i++) {
    let arg = 0;
    let max = -Infinity;
    for (let c = 0; c < classCount; c++) {
      const v = logits[i * classCount + c] + offsets[c];
      if (v > max) [max, arg] = [v, c];
    }
    predicted[arg]++;
    support[y[i]]++;
    if (arg === y[i]) tp[arg]++;
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < classCount; c++) {
    if (!support[c]) continue;
    sum += (2 * tp[c]) / (support[c] + predicted[c]);
    present++;
  }
  return present ? sum / present : 0;
}

/** Rows of several held-out sets in one. */
export function concatHeldOut(parts: readonly HeldOutLogits[]): HeldOutLogits {
  const logits = new Float32Array(parts.reduce((n, p) => n + p.logits.length, 0));
  const y = new Int32Array(parts.reduce((n, p) => n + p.y.length, 0));
  let offset = 0;
  let row = 0;
  for (const p of parts) {
    logits.set(p.logits, offset);
    y.set(p.y, row);
    offset += p.logits.length;
    row += p.y.length;
  }
  return { logits, y };
}
