import { AlertStatus, RiskLevel } from '../alerts/alert.entity';
import { riskRank } from '../alerts/risk-level';

export interface AutoResponseCriteria {
  enabled: boolean;
  minRiskLevel: RiskLevel;
  minConfidence: number;
  attackTypes: string[];
}

/** What the policy looks at in an alert (the AlertDto of the alert events). */
export interface AlertFacts {
  attack_type: string;
  risk_level: RiskLevel;
  max_confidence: number;
  src_ip: string | null;
  status: AlertStatus;
}

export type AutoResponseDecision = { block: true; ip: string } | { block: false; reason: string };

/** `real` columns hold 0.9 as 0.899999976: compare with a little slack. */
const CONFIDENCE_SLACK = 1e-6;

/** Whether the policy blocks the alert's source address (the safety guards still apply afterwards). */
export function autoResponseDecision(policy: AutoResponseCriteria, alert: AlertFacts): AutoResponseDecision {
  if (!policy.enabled) return { block: false, reason: 'disabled' };
  if (!alert.src_ip) return { block: false, reason: 'no_source_address' };
  if (alert.status === AlertStatus.RESOLVED || alert.status === AlertStatus.FALSE_POSITIVE) return { block: false, reason: 'closed' };
  if (riskRank(alert.risk_level) < riskRank(policy.minRiskLevel)) return { block: false, reason: 'risk_below_threshold' };
  if (alert.max_confidence + CONFIDENCE_SLACK < policy.minConfidence) return { block: false, reason: 'confidence_below_threshold' };
  const types = policy.attackTypes.map((t) => t.toLowerCase());
  if (types.length > 0 && !types.includes(alert.attack_type.toLowerCase())) return { block: false, reason: 'attack_type_not_selected' };
  return { block: true, ip: alert.src_ip };
}
