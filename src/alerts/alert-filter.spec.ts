import { ActorContext } from '../common/auth/principal';
import { DomainError } from '../core/domain-error';
import { Role } from '../core/permissions';
import { AlertStatus, RiskLevel } from './alert.entity';
import { isEmptyFilter, toAlertFilter } from './alert-filter';
import { AlertFilterDto } from './dto/alert-filter.dto';

const user: ActorContext = {
  principal: { kind: 'user', id: '6f1c2a4e-0000-4000-8000-000000000001', email: 'a@b.c', role: Role.SECURITY, sessionId: 's' },
  ip: null,
  correlationId: null,
};
const apiKey: ActorContext = { principal: { kind: 'api_key', id: 'k', name: 'sensor', prefix: 'p' }, ip: null, correlationId: null };
const now = new Date('2026-05-01T12:00:00Z');
const dto = (values: Partial<AlertFilterDto>) => Object.assign(new AlertFilterDto(), values);

function problems(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.details;
    throw error;
  }
  return 'accepted';
}

describe('toAlertFilter', () => {
  it('keeps list criteria, without duplicates', () => {
    const f = toAlertFilter(dto({ status: [AlertStatus.ACTIVE, AlertStatus.ACTIVE], severity: [RiskLevel.HIGH], attack_type: ['DDoS'] }), user, now);
    expect(f).toMatchObject({ statuses: ['active'], riskLevels: ['high'], attackTypes: ['DDoS'] });
  });

  it('keeps ATT&CK technique and tactic ids, and counts them as criteria', () => {
    const f = toAlertFilter(dto({ technique: ['T1110', 'T1110', 'T1046'], tactic: ['TA0006'] }), user, now);
    expect(f).toMatchObject({ techniques: ['T1110', 'T1046'], tactics: ['TA0006'] });
    expect(isEmptyFilter(f)).toBe(false);
  });

  it.each([
    ['1h', '2026-05-01T11:00:00.000Z'],
    ['24h', '2026-04-30T12:00:00.000Z'],
    ['30d', '2026-04-01T12:00:00.000Z'],
  ] as const)('turns range=%s into a start time', (range, from) => {
    expect(toAlertFilter(dto({ range }), user, now)).toMatchObject({ createdFrom: new Date(from), createdBefore: undefined });
  });

  it('takes from/to, and refuses range with them or an empty window', () => {
    expect(toAlertFilter(dto({ from: '2026-04-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }), user, now)).toMatchObject({
      createdFrom: new Date('2026-04-01T00:00:00Z'),
      createdBefore: new Date('2026-04-02T00:00:00Z'),
    });
    expect(problems(() => toAlertFilter(dto({ range: '1h', to: '2026-04-02T00:00:00Z' }), user, now))).toEqual([
      { field: 'range', reason: expect.any(String) },
    ]);
    expect(problems(() => toAlertFilter(dto({ from: '2026-04-02T00:00:00Z', to: '2026-04-02T00:00:00Z' }), user, now))).toEqual([
      { field: 'from', reason: 'must be before to' },
    ]);
  });

  it('canonicalises addresses through the strict parser (host bits cleared, mapped IPv4 folded)', () => {
    const f = toAlertFilter(dto({ src_ip: '10.1.2.3/8', dst_ip: '::ffff:198.18.0.1' }), user, now);
    expect(f).toMatchObject({ srcCidr: '10.0.0.0/8', dstCidr: '198.18.0.1' });
  });

  it('resolves the assignee: me is the caller, none is unassigned', () => {
    expect(toAlertFilter(dto({ assignee: 'me' }), user, now).assignee).toEqual({ kind: 'user', id: user.principal?.id });
    expect(toAlertFilter(dto({ assignee: 'none' }), user, now).assignee).toEqual({ kind: 'none' });
    expect(problems(() => toAlertFilter(dto({ assignee: 'me' }), apiKey, now))).toEqual([{ field: 'assignee', reason: expect.any(String) }]);
  });

  it('knows an empty filter', () => {
    expect(isEmptyFilter(toAlertFilter(dto({}), user, now))).toBe(true);
    expect(isEmptyFilter(toAlertFilter(dto({ model_version: 'v1' }), user, now))).toBe(false);
  });
});
