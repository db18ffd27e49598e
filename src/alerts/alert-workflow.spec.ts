import { AlertStatus } from './alert.entity';
import { ALERT_TRANSITIONS, checkTransition, isClosed, resolutionFields } from './alert-workflow';

const { ACTIVE, INVESTIGATING, RESOLVED, FALSE_POSITIVE } = AlertStatus;
const ALL = [ACTIVE, INVESTIGATING, RESOLVED, FALSE_POSITIVE];

describe('alert workflow', () => {
  it.each([
    [ACTIVE, INVESTIGATING],
    [ACTIVE, FALSE_POSITIVE],
    [INVESTIGATING, ACTIVE],
    [INVESTIGATING, RESOLVED],
    [INVESTIGATING, FALSE_POSITIVE],
    [RESOLVED, ACTIVE],
    [FALSE_POSITIVE, ACTIVE],
  ])('allows %s → %s', (from, to) => {
    expect(checkTransition(from, to)).toBe('allowed');
  });

  it.each([
    [ACTIVE, RESOLVED],
    [RESOLVED, INVESTIGATING],
    [RESOLVED, FALSE_POSITIVE],
    [FALSE_POSITIVE, INVESTIGATING],
    [FALSE_POSITIVE, RESOLVED],
  ])('refuses %s → %s', (from, to) => {
    expect(checkTransition(from, to)).toBe('illegal');
  });

  it('treats the same status as unchanged, never as a transition', () => {
    for (const s of ALL) {
      expect(checkTransition(s, s)).toBe('unchanged');
      expect(ALERT_TRANSITIONS[s]).not.toContain(s);
    }
  });

  it('covers every pair of statuses exactly once', () => {
    const verdicts = ALL.flatMap((from) => ALL.map((to) => checkTransition(from, to)));
    expect(verdicts.filter((v) => v === 'allowed')).toHaveLength(7);
    expect(verdicts.filter((v) => v === 'unchanged')).toHaveLength(4);
    expect(verdicts.filter((v) => v === 'illegal')).toHaveLength(5);
  });

  it('lets every closed alert be reopened and every alert eventually close', () => {
    for (const s of ALL.filter(isClosed)) expect(checkTransition(s, ACTIVE)).toBe('allowed');
    expect(ALL.filter(isClosed)).toEqual([RESOLVED, FALSE_POSITIVE]);
  });
});

describe('resolutionFields', () => {
  const input = { reason: 'patched the host', userId: 'u-1', label: 'BENIGN' };

  it('records who closed the alert, why, and the label of a false positive only', () => {
    expect(resolutionFields(RESOLVED, input)).toEqual({
      resolutionReason: 'patched the host',
      resolvedBy: 'u-1',
      resolved: true,
      feedbackLabel: null,
    });
    expect(resolutionFields(FALSE_POSITIVE, input)).toMatchObject({ resolved: true, feedbackLabel: 'BENIGN' });
  });

  it('clears the resolution when the alert is (re)opened', () => {
    for (const to of [ACTIVE, INVESTIGATING]) {
      expect(resolutionFields(to, input)).toEqual({ resolutionReason: null, resolvedBy: null, resolved: false, feedbackLabel: null });
    }
  });
});
