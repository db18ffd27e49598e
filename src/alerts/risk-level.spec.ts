import { RiskLevel } from './alert.entity';
import { riskLevelFor, riskLevelForSuricata, riskRank } from './risk-level';

describe('riskLevelFor', () => {
  it.each([
    ['critical', 0.99, RiskLevel.CRITICAL],
    ['critical', 0.8, RiskLevel.HIGH],
    ['critical', 0.6, RiskLevel.MEDIUM],
    ['high', 0.95, RiskLevel.HIGH],
    ['high', 0.75, RiskLevel.MEDIUM],
    ['high', 0.5, RiskLevel.LOW],
    ['medium', 0.9, RiskLevel.MEDIUM],
    ['medium', 0.89, RiskLevel.LOW],
    ['low', 1, RiskLevel.LOW],
    ['none', 1, RiskLevel.LOW],
  ] as const)('%s at confidence %s is %s', (severity, confidence, expected) => {
    expect(riskLevelFor(severity, confidence)).toBe(expected);
  });

  it('uses the attack type, not confidence alone', () => {
    expect(riskLevelFor('critical', 0.95)).not.toBe(riskLevelFor('medium', 0.95));
  });

  it('treats a non-finite confidence as the lowest', () => {
    expect(riskLevelFor('critical', Number.NaN)).toBe(RiskLevel.MEDIUM);
  });
});

describe('riskLevelForSuricata', () => {
  it('maps 1 (high) to 3 (low)', () => {
    expect([1, 2, 3, 4].map(riskLevelForSuricata)).toEqual([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.LOW]);
    expect(riskRank(RiskLevel.CRITICAL)).toBeGreaterThan(riskRank(RiskLevel.HIGH));
  });
});
