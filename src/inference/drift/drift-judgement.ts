import { DriftCounts } from './drift-window';

export interface DriftThresholds {
  minFlows: number;
  outOfDomainFire: number;
  outOfDomainClear: number;
  coverageFire: number;
  coverageClear: number;
}

export type DriftReason = 'out_of_domain' | 'low_coverage';

export interface DriftReading {
  flows: number;
  outOfDomainFlows: number;
  /** Null when the window is empty. */
  outOfDomainRatio: number | null;
  featureCoverage: number | null;
  /** The window holds enough flows to be judged. */
  evaluated: boolean;
  /** The thresholds the window crosses now (fire side). */
  reasons: DriftReason[];
}

export function readWindow(counts: DriftCounts, t: DriftThresholds): DriftReading {
  const { flows, outside, coverageSum } = counts;
  const ratio = flows ? outside / flows : null;
  const coverage = flows ? coverageSum / flows : null;
  const evaluated = flows >= t.minFlows;
  const reasons: DriftReason[] = [];
  if (evaluated && ratio! >= t.outOfDomainFire) reasons.push('out_of_domain');
  if (evaluated && coverage! < t.coverageFire) reasons.push('low_coverage');
  return { flows, outOfDomainFlows: outside, outOfDomainRatio: ratio, featureCoverage: coverage, evaluated, reasons };
}

/**
 * The alarm's next state. A quiet window fires when it holds enough flows and crosses a fire threshold; a firing
 * one clears when, with enough flows, both measures are back past their clear thresholds (hysteresis, so that a
 * share hovering at the threshold does not flap), or when it holds no flows at all (the sensor went quiet).
 */
export function nextDrifting(drifting: boolean, r: DriftReading, t: DriftThresholds): boolean {
  if (!drifting) return r.reasons.length > 0;
  if (r.flows === 0) return false;
  if (!r.evaluated) return true;
  return !(r.outOfDomainRatio! < t.outOfDomainClear && r.featureCoverage! >= t.coverageClear);
}
