/** What a window holds: flows, those outside the training domain, and the sum of their feature coverages. */
export interface DriftCounts {
  flows: number;
  outside: number;
  coverageSum: number;
}

interface Slice extends DriftCounts {
  /** Number of the slice in time (`floor(t / sliceMs)`); -1 for one never used. */
  index: number;
}

/**
 * A sliding window of counts in `slices` equal time slices: a batch adds to the current slice, and a slice
 * leaves the window once `slices` newer ones have begun. The window spans between `windowMs · (1 − 1/slices)` and
 * `windowMs` of the latest time, and costs a few numbers per slice whatever the traffic.
 */
export class DriftWindow {
  private readonly ring: Slice[];
  private readonly sliceMs: number;

  constructor(windowMs: number, slices = 10) {
    this.sliceMs = Math.max(1, Math.floor(windowMs / slices));
    this.ring = Array.from({ length: slices }, () => ({ index: -1, flows: 0, outside: 0, coverageSum: 0 }));
  }

  add(now: number, counts: DriftCounts): void {
    const index = Math.floor(now / this.sliceMs);
    const slice = this.ring[index % this.ring.length];
    if (slice.index !== index) Object.assign(slice, { index, flows: 0, outside: 0, coverageSum: 0 });
    slice.flows += counts.flows;
    slice.outside += counts.outside;
    slice.coverageSum += counts.coverageSum;
  }

  totals(now: number): DriftCounts {
    const oldest = Math.floor(now / this.sliceMs) - this.ring.length;
    const totals: DriftCounts = { flows: 0, outside: 0, coverageSum: 0 };
    for (const s of this.ring) {
      if (s.index <= oldest) continue;
      totals.flows += s.flows;
      totals.outside += s.outside;
      totals.coverageSum += s.coverageSum;
    }
    return totals;
  }
}

/**
 * Counts of one classified batch: who falls outside the domain of the model that scored it, and how many of the
 * features each flow has. A flow the EVE model scored is judged by that model's boundary and counts as fully
 * covered: it has every feature the EVE model uses, and a Suricata sensor would otherwise be in alarm forever.
 */
export function countBatch(
  vectors: readonly ArrayLike<number>[],
  verdicts: readonly { anomalyScore: number | null; model?: string }[],
  boundary: number,
  eveBoundary: number | null = null,
): DriftCounts {
  let outside = 0;
  let coverageSum = 0;
  for (let i = 0; i < vectors.length; i++) {
    const { anomalyScore: score, model } = verdicts[i];
    if (model === 'eve') {
      if (score !== null && eveBoundary !== null && score >= eveBoundary) outside++;
      coverageSum += 1;
      continue;
    }
    if (score !== null && score >= boundary) outside++;
    const v = vectors[i];
    let present = 0;
    for (let j = 0; j < v.length; j++) if (v[j] === v[j]) present++; // NaN !== NaN: a missing feature
    coverageSum += v.length ? present / v.length : 0;
  }
  return { flows: vectors.length, outside, coverageSum };
}
