export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  /** Unweighted mean F1 over the classes present in the true labels. */
  macroF1: number;
  /** Mean F1 weighted by support. */
  weightedF1: number;
  perClass: Record<string, ClassScores>;
  confusionMatrix: { labels: string[]; matrix: number[][] };
}

/**
 * Confusion matrix over string labels (rows: true class, columns: predicted class). Labels are added the first
 * time they are met, after the ones given to the constructor, so predictions outside the true classes (such as
 * `Anomaly`) are counted as errors of the true class.
 */
export class ConfusionMatrix {
  private readonly index = new Map<string, number>();
  private readonly counts: number[][] = [];
  private total = 0;

  constructor(labels: readonly string[] = []) {
    labels.forEach((label) => this.indexOf(label));
  }

  get labels(): string[] {
    return [...this.index.keys()];
  }

  get size(): number {
    return this.total;
  }

  add(trueLabel: string, predicted: string, count = 1): void {
    const row = this.indexOf(trueLabel);
    const column = this.indexOf(predicted);
    this.counts[row][column] += count;
    this.total += count;
  }

  /** A copy with labels renamed by `map` (labels it does not name are kept); merged labels add up. */
  merged(map: (label: string) => string): ConfusionMatrix {
    const out = new ConfusionMatrix(this.labels.map(map));
    const labels = this.labels;
    labels.forEach((t, i) => labels.forEach((p, j) => this.counts[i][j] && out.add(map(t), map(p), this.counts[i][j])));
    return out;
  }

  report(): ClassificationReport {
    const labels = this.labels;
    const n = labels.length;
    const perClass: Record<string, ClassScores> = {};
    let correct = 0;
    let macro = 0;
    let weighted = 0;
    let present = 0;
    for (let k = 0; k < n; k++) {
      const support = this.rowSum(k);
      const predicted = this.columnSum(k);
      const tp = this.counts[k][k];
      correct += tp;
      if (support === 0) continue;
      const precision = predicted ? tp / predicted : 0;
      const recall = tp / support;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      perClass[labels[k]] = { precision, recall, f1, support };
      macro += f1;
      weighted += f1 * support;
      present++;
    }
    return {
      accuracy: this.total ? correct / this.total : 0,
      macroF1: present ? macro / present : 0,
      weightedF1: this.total ? weighted / this.total : 0,
      perClass,
      confusionMatrix: { labels, matrix: this.counts.map((row) => [...row]) },
    };
  }

  private indexOf(label: string): number {
    let k = this.index.get(label);
    if (k === undefined) {
      k = this.index.size;
      this.index.set(label, k);
      this.counts.forEach((row) => row.push(0));
      this.counts.push(new Array(k + 1).fill(0));
    }
    return k;
  }

  private rowSum(k: number): number {
    return this.counts[k].reduce((a, b) => a + b, 0);
  }

  private columnSum(k: number): number {
    return this.counts.reduce((a, row) => a + row[k], 0);
  }
}

/** Mean, sample standard deviation, minimum and maximum of a few figures (the seed spread). */
export function spread(values: readonly number[]): { mean: number; std: number; min: number; max: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}
