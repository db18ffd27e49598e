import { escalatedDuration } from './escalation';

const policy = { lookbackSeconds: 86400, factor: 2, maxSeconds: 604800 };

describe('escalatedDuration', () => {
  it('doubles the duration per earlier block', () => {
    expect([0, 1, 2, 3].map((n) => escalatedDuration(600, n, policy))).toEqual([600, 1200, 2400, 4800]);
  });

  it('caps at the maximum but never below the requested duration', () => {
    expect(escalatedDuration(3600, 10, policy)).toBe(604800);
    expect(escalatedDuration(3600, 5000, policy)).toBe(604800);
    expect(escalatedDuration(900000, 1, policy)).toBe(900000);
  });

  it('keeps permanent blocks permanent and does nothing when escalation is off', () => {
    expect(escalatedDuration(null, 3, policy)).toBeNull();
    expect(escalatedDuration(60, 3, { ...policy, lookbackSeconds: 0 })).toBe(60);
  });

  it('rounds fractional factors to whole seconds', () => {
    expect(escalatedDuration(100, 2, { ...policy, factor: 1.5 })).toBe(225);
    expect(Number.isInteger(escalatedDuration(7, 3, { ...policy, factor: 1.3 }))).toBe(true);
  });
});
