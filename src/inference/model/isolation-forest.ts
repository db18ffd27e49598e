import { SeededRandom } from './seeded-random';

export interface IsolationForestOptions {
  trees?: number;
  sampleSize?: number;
  seed?: number;
}

/** One tree in pre-order: an internal node's left child follows it, `right` gives the other one. */
interface TreeJSON {
  /** Split feature, or -1 for a leaf. */
  feature: number[];
  /** Split threshold (go left when value < threshold), or the number of samples of a leaf. */
  value: number[];
  right: number[];
}

export interface IsolationForestJSON {
  kind: 'isolation-forest';
  formatVersion: 1;
  dimensions: number;
  sampleSize: number;
  trees: TreeJSON[];
}

const EULER_GAMMA = 0.5772156649;

/** Average path length of an unsuccessful binary-search-tree lookup among n points (Liu et al., 2008). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Isolation Forest (Liu, Ting, Zhou 2008) over dense rows stored row-major in a Float32Array. Scores are in
 * (0, 1): about 0.5 and below for ordinary points, towards 1 for points that are isolated in few splits.
 */
export class IsolationForest {
  /** All trees in flat typed arrays for scoring: node k of tree t is at `roots[t] + k`. */
  private readonly feature: Int32Array;
  private readonly value: Float64Array;
  private readonly next: Int32Array;
  private readonly roots: Int32Array;
  private readonly normaliser: number;

  private constructor(private readonly spec: IsolationForestJSON) {
    const sizes = spec.trees.map((t) => t.feature.length);
    this.roots = Int32Array.from(sizes, (_, t) => sizes.slice(0, t).reduce((a, b) => a + b, 0));
    this.feature = Int32Array.from(spec.trees.flatMap((t) => t.feature));
    this.value = Float64Array.from(spec.trees.flatMap((t) => t.value));
    this.next = Int32Array.from(spec.trees.flatMap((t, i) => t.right.map((r) => (r < 0 ? -1 : r + this.roots[i]))));
    this.normaliser = averagePathLength(spec.sampleSize) * spec.trees.length;
    for (let k = 0; k < this.value.length; k++) {
      if (this.feature[k] < 0) this.value[k] = averagePathLength(this.value[k]);
    }
  }

  static fit(data: Float32Array, dimensions: number, options: IsolationForestOptions = {}): IsolationForest {
    const rows = data.length / dimensions;
    if (!Number.isInteger(rows) || rows < 2) throw new Error('isolation forest needs at least two rows');
    const random = new SeededRandom(options.seed ?? 1);
    const sampleSize = Math.min(options.sampleSize ?? 256, rows);
    const heightLimit = Math.ceil(Math.log2(sampleSize));
    const trees: TreeJSON[] = [];
    for (let t = 0; t < (options.trees ?? 100); t++) {
      const sample = sampleRows(rows, sampleSize, random);
      const tree: TreeJSON = { feature: [], value: [], right: [] };
      growTree(tree, { data, dimensions, random, heightLimit }, sample, 0);
      trees.push(tree);
    }
    return new IsolationForest({ kind: 'isolation-forest', formatVersion: 1, dimensions, sampleSize, trees });
  }

  static fromJSON(json: IsolationForestJSON): IsolationForest {
    if (json.kind !== 'isolation-forest' || json.formatVersion !== 1) throw new Error('unsupported anomaly detector');
    return new IsolationForest(structuredClone(json));
  }

  toJSON(): IsolationForestJSON {
    return structuredClone(this.spec);
  }

  get dimensions(): number {
    return this.spec.dimensions;
  }

  /** Anomaly score of the row starting at `offset` in `data`. */
  score(data: ArrayLike<number>, offset = 0): number {
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) total += this.pathLength(this.roots[t], data, offset);
    return this.toScore(total);
  }

  /** Scores of every row of `data`; tree by tree, so that one tree's nodes stay in cache for the whole batch. */
  scoreBatch(data: Float32Array, rowWidth = this.spec.dimensions): Float64Array {
    const rows = data.length / rowWidth;
    const totals = new Float64Array(rows);
    for (let t = 0; t < this.roots.length; t++) {
      for (let i = 0; i < rows; i++) totals[i] += this.pathLength(this.roots[t], data, i * rowWidth);
    }
    for (let i = 0; i < rows; i++) totals[i] = this.toScore(totals[i]);
    return totals;
  }

  /** Depth at which the tree rooted at `root` isolates the row at `offset`, plus its leaf's expected remainder. */
  private pathLength(root: number, data: ArrayLike<number>, offset: number): number {
    const { feature, value, next } = this;
    let node = root;
    let depth = 0;
    while (feature[node] >= 0) {
      node = data[offset + feature[node]] < value[node] ? node + 1 : next[node];
      depth++;
    }
    return depth + value[node];
  }

  private toScore(totalPathLength: number): number {
    return 2 ** (-totalPathLength / this.normaliser);
  }
}

interface GrowContext {
  data: Float32Array;
  dimensions: number;
  random: SeededRandom;
  heightLimit: number;
}

function sampleRows(rows: number, size: number, random: SeededRandom): number[] {
  const picked = new Set<number>();
  while (picked.size < size) picked.add(random.int(rows));
  return [...picked];
}

function growTree(tree: TreeJSON, ctx: GrowContext, rows: number[], depth: number): void {
  const node = tree.feature.length;
  const split = depth < ctx.heightLimit && rows.length > 1 ? chooseSplit(ctx, rows) : undefined;
  if (!split) {
    tree.feature.push(-1);
    tree.value.push(rows.length);
    tree.right.push(-1);
    return;
  }
  tree.feature.push(split.feature);
  tree.value.push(split.threshold);
  tree.right.push(-1);
  const at = (r: number) => ctx.data[r * ctx.dimensions + split.feature];
  growTree(tree, ctx, rows.filter((r) => at(r) < split.threshold), depth + 1);
  tree.right[node] = tree.feature.length;
  growTree(tree, ctx, rows.filter((r) => at(r) >= split.threshold), depth + 1);
}

/** A random feature that varies among `rows` and a threshold drawn uniformly inside its range. */
function chooseSplit(ctx: GrowContext, rows: number[]): { feature: number; threshold: number } | undefined {
  const { data, dimensions, random } = ctx;
  const order = random.shuffle(Array.from({ length: dimensions }, (_, j) => j));
  for (const feature of order) {
    let min = Infinity;
    let max = -Infinity;
    for (const r of rows) {
      const v = data[r * dimensions + feature];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max > min) {
      const exact = min + random.next() * (max - min);
      const short = Number(exact.toPrecision(5));
      if (short > min && short <= max) return { feature, threshold: short };
      if (exact > min && exact <= max) return { feature, threshold: exact };
    }
  }
  return undefined;
}
