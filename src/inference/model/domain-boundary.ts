import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the model's training domain ends, on the Isolation Forest's anomaly score: a flow scoring at or above
 * `threshold` is more unusual than `quantile` of the model's training flows (attacks included).
 */
export interface DomainBoundary {
  threshold: number;
  /** Share of the training flows scored below `threshold`; null when the boundary is the anomaly threshold. */
  quantile: number | null;
  /**
   * `training-quantile`: recorded by `model:train`. `anomaly-threshold`: a model trained before the boundary was
   * recorded, judged by its anomaly threshold instead (a far stricter boundary: fewer flows fall outside it).
   */
  source: 'training-quantile' | 'anomaly-threshold';
}

/** The part of `anomaly-detector.json` this module reads (the forest is left alone). */
export interface AnomalyDetectorHead {
  threshold: number;
  domain?: { quantile: number; threshold: number };
}

export function domainBoundaryOf(file: AnomalyDetectorHead): DomainBoundary {
  const { domain } = file;
  if (domain && Number.isFinite(domain.threshold) && domain.quantile > 0 && domain.quantile < 1) {
    return { threshold: domain.threshold, quantile: domain.quantile, source: 'training-quantile' };
  }
  return { threshold: file.threshold, quantile: null, source: 'anomaly-threshold' };
}

/** The domain boundary of the model version in `dir` (read without loading the model or TensorFlow.js). */
export async function readDomainBoundary(dir: string): Promise<DomainBoundary> {
  const file = JSON.parse(await fs.readFile(join(dir, 'anomaly-detector.json'), 'utf8')) as AnomalyDetectorHead;
  return domainBoundaryOf(file);
}

/** The value below which `quantile` of the `sorted` (ascending) scores lie. */
export function scoreQuantile(sorted: ArrayLike<number>, quantile: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
}
