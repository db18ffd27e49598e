import { NetworkActionEntity, NetworkActionStatus } from '../network-action.entity';
import { LiveAction } from '../network-actions.repository';
import { baseDrift, describeDrift, driftTotal, memberDrift } from './firewall-drift';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function live(target: string, status: NetworkActionStatus, remainingSec: number | null, changedAfterApply = false): LiveAction {
  const action = Object.assign(new NetworkActionEntity(), {
    target,
    status,
    appliedAt: status === NetworkActionStatus.ACTIVE ? at(10) : null,
    updatedAt: changedAfterApply ? at(20) : at(10),
  });
  return { action, remainingSec };
}

const counts = (repairs: ReturnType<typeof memberDrift>) => Object.fromEntries(repairs.map((r) => [r.change, r.count]));

describe('memberDrift', () => {
  it('counts a missing entry of an applied block, not of one still pending or about to lapse', () => {
    const actions = [
      live('198.18.0.2', NetworkActionStatus.ACTIVE, 600),
      live('198.18.0.3', NetworkActionStatus.PENDING, 600),
      live('198.18.0.4', NetworkActionStatus.ACTIVE, 2),
      live('8080/tcp', NetworkActionStatus.ACTIVE, null),
    ];
    const keys = { missing: ['198.18.0.2', '198.18.0.3', '198.18.0.4', '8080/tcp'], unexpected: [], timeout: [] };
    expect(counts(memberDrift(keys, actions, new Set()))).toEqual({ missing: 2, unexpected: 0, timeout: 0 });
  });

  it('counts an unexpected entry unless its block ended within the grace period', () => {
    const keys = { missing: [], unexpected: ['198.18.0.9', '198.18.0.10', '53/udp'], timeout: [] };
    expect(counts(memberDrift(keys, [], new Set(['198.18.0.10'])))).toEqual({ missing: 0, unexpected: 2, timeout: 0 });
  });

  it('counts a wrong timeout of a block unchanged since applied, not of an extended one', () => {
    const actions = [live('198.18.0.2', NetworkActionStatus.ACTIVE, 600), live('198.18.0.3', NetworkActionStatus.ACTIVE, 900, true)];
    const keys = { missing: [], unexpected: [], timeout: ['198.18.0.2', '198.18.0.3'] };
    expect(counts(memberDrift(keys, actions, new Set()))).toEqual({ missing: 0, unexpected: 0, timeout: 1 });
  });
});

describe('baseDrift', () => {
  it('labels rules and chains, and describes what is counted', () => {
    const repairs = baseDrift({ missingRules: 8, unexpectedRules: 1, missingChains: 1 });
    expect(repairs).toEqual([
      { kind: 'rule', change: 'missing', count: 8 },
      { kind: 'rule', change: 'unexpected', count: 1 },
      { kind: 'chain', change: 'missing', count: 1 },
    ]);
    expect(driftTotal(repairs)).toBe(10);
    expect(describeDrift(repairs)).toBe('8 rule missing, 1 rule unexpected, 1 chain missing');
  });
});
