import { RiskLevel } from './alert.entity';

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';

const LEVELS = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL];
const SEVERITY_RANK: Record<Severity, number> = { none: 0, low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Risk of a verdict from the attack type's severity AND the model's confidence: a confident verdict keeps the
 * type's severity, a hesitant one is lowered one level (confidence under 0.9) or two (under 0.7). A critical
 * attack type seen with 0.6 confidence is therefore medium, a low-severity one stays low.
 */
export function riskLevelFor(severity: Severity, confidence: number): RiskLevel {
  const c = Number.isFinite(confidence) ? Math.min(Math.max(confidence, 0), 1) : 0;
  const penalty = c >= 0.9 ? 0 : c >= 0.7 ? 1 : 2;
  return LEVELS[Math.max(0, SEVERITY_RANK[severity] - penalty)];
}

/** Suricata's alert severity (1 = high … 3 = low, 4 = informational) on our levels. */
export function riskLevelForSuricata(severity: number): RiskLevel {
  if (severity <= 1) return RiskLevel.HIGH;
  if (severity === 2) return RiskLevel.MEDIUM;
  return RiskLevel.LOW;
}

export function riskRank(level: RiskLevel): number {
  return LEVELS.indexOf(level);
}
