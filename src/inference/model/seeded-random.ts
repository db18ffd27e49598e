/**
 * Deterministic pseudo-random numbers (mulberry32) so that splits, shuffles, tree sampling and dropout masks
 * repeat exactly for a given seed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A 31-bit seed for a dependent generator (tfjs initialisers, dropout). */
  seed(): number {
    return this.int(0x7fffffff);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

export interface IndexSplit {
  train: number[];
  test: number[];
}

/**
 * Stratified split of row indices by class: each class gives `round(fraction × count)` rows to `test`, at least
 * one when it has two or more rows and a positive fraction, so every class with two rows is on both sides.
 */
export function stratifiedSplit(labels: readonly number[], fraction: number, random: SeededRandom): IndexSplit {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const rows = byClass.get(label);
    if (rows) rows.push(i);
    else byClass.set(label, [i]);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = random.shuffle(byClass.get(label) as number[]);
    let take = Math.round(fraction * rows.length);
    if (fraction > 0 && rows.length >= 2) take = Math.min(rows.length - 1, Math.max(1, take));
    test.push(...rows.slice(0, take));
    train.push(...rows.slice(take));
  }
  return { train: random.shuffle(train), test: random.shuffle(test) };
}

/**
 * Stratified partition of row indices into `k` folds: each class's rows are shuffled and dealt round-robin, so
 * the folds are disjoint and every class is spread as evenly as its count allows.
 */
export function stratifiedFolds(labels: readonly number[], k: number, random: SeededRandom): number[][] {
  const folds: number[][] = Array.from({ length: k }, () => []);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  let next = 0;
  for (const label of classes) {
    const rows = random.shuffle(labels.flatMap((l, i) => (l === label ? [i] : [])));
    rows.forEach((row) => folds[next++ % k].push(row));
  }
  return folds.map((fold) => random.shuffle(fold));
}

/**
 * Stratified partition into `k` folds that keeps each group (rows with one key, such as identical feature vectors)
 * in one fold, so no held-out row has a twin in training. A group counts for the stratum most of its rows are in;
 * within a stratum the groups are shuffled, dealt largest first, each to the fold that holds fewest of its rows.
 */
export function groupedStratifiedFolds(
  labels: readonly number[],
  groups: readonly string[],
  k: number,
  random: SeededRandom,
): number[][] {
  const members = new Map<string, number[]>();
  groups.forEach((key, i) => {
    const rows = members.get(key);
    if (rows) rows.push(i);
    else members.set(key, [i]);
  });
  const byStratum = new Map<number, number[][]>();
  for (const rows of members.values()) {
    const stratum = majority(rows.map((i) => labels[i]));
    const list = byStratum.get(stratum);
    if (list) list.push(rows);
    else byStratum.set(stratum, [rows]);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let start = 0;
  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    const list = random.shuffle(byStratum.get(stratum) as number[][]).sort((a, b) => b.length - a.length);
    const filled = new Array<number>(k).fill(0);
    for (const rows of list) {
      // ties go round-robin from a moving start, so the strata's single rows do not all land in fold 0
      let best = start % k;
      for (let j = 1; j < k; j++) {
        const f = (start + j) % k;
        if (filled[f] < filled[best]) best = f;
      }
      filled[best] += rows.length;
      folds[best].push(...rows);
      start++;
    }
  }
  return folds.map((fold) => random.shuffle(fold));
}

function majority(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0) || (n === counts.get(best) && v < best)) best = v;
  return best;
}
