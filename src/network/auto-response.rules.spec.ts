import { AlertStatus, RiskLevel } from '../alerts/alert.entity';
import { AlertFacts, AutoResponseCriteria, autoResponseDecision } from './auto-response.rules';

const policy: AutoResponseCriteria = { enabled: true, minRiskLevel: RiskLevel.HIGH, minConfidence: 0.9, attackTypes: [] };
const alert: AlertFacts = { attack_type: 'DDoS', risk_level: RiskLevel.HIGH, max_confidence: 0.95, src_ip: '198.18.0.9', status: AlertStatus.ACTIVE };

describe('autoResponseDecision', () => {
  it('blocks the source of an alert at or above both thresholds', () => {
    expect(autoResponseDecision(policy, alert)).toEqual({ block: true, ip: '198.18.0.9' });
    expect(autoResponseDecision(policy, { ...alert, risk_level: RiskLevel.CRITICAL, max_confidence: 0.899999976 })).toEqual({ block: true, ip: '198.18.0.9' });
  });

  it.each([
    [{ ...policy, enabled: false }, alert, 'disabled'],
    [policy, { ...alert, src_ip: null }, 'no_source_address'],
    [policy, { ...alert, status: AlertStatus.FALSE_POSITIVE }, 'closed'],
    [policy, { ...alert, risk_level: RiskLevel.MEDIUM }, 'risk_below_threshold'],
    [policy, { ...alert, max_confidence: 0.8 }, 'confidence_below_threshold'],
    [{ ...policy, attackTypes: ['PortScan'] }, alert, 'attack_type_not_selected'],
  ])('does not block when %#', (p, a, reason) => {
    expect(autoResponseDecision(p, a)).toEqual({ block: false, reason });
  });

  it('matches attack types case-insensitively', () => {
    expect(autoResponseDecision({ ...policy, attackTypes: ['ddos'] }, alert).block).toBe(true);
  });
});
