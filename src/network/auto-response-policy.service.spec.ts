import { AuditService } from '../audit/audit.service';
import { AutoResponsePolicyEntity } from './auto-response-policy.entity';
import { AutoResponsePolicyRepository } from './auto-response-policy.repository';
import { AutoResponsePolicyService } from './auto-response-policy.service';

/** A repository whose reads are counted and answered when the test says so. */
class ControlledPolicies {
  reads = 0;
  private pending: { resolve: (p: AutoResponsePolicyEntity) => void; reject: (e: Error) => void }[] = [];

  get(): Promise<AutoResponsePolicyEntity> {
    this.reads++;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  answer(policy: AutoResponsePolicyEntity): void {
    for (const p of this.pending.splice(0)) p.resolve(policy);
  }

  fail(): void {
    for (const p of this.pending.splice(0)) p.reject(new Error('database unavailable'));
  }
}

const policy = (enabled: boolean) => Object.assign(new AutoResponsePolicyEntity(), { id: 1, enabled });

describe('AutoResponsePolicyService.current', () => {
  let repo: ControlledPolicies;
  let service: AutoResponsePolicyService;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-21T12:00:00Z') });
    repo = new ControlledPolicies();
    service = new AutoResponsePolicyService(repo as unknown as AutoResponsePolicyRepository, {} as AuditService);
  });
  afterEach(() => jest.useRealTimers());

  it('answers a burst of alert events with one read', async () => {
    const answers = Array.from({ length: 1000 }, () => service.current());
    expect(repo.reads).toBe(1);
    repo.answer(policy(true));
    expect(new Set(await Promise.all(answers)).size).toBe(1);
    await service.current();
    expect(repo.reads).toBe(1);
  });

  it('reads again once the cache has expired', async () => {
    const first = service.current();
    repo.answer(policy(false));
    expect((await first).enabled).toBe(false);
    jest.advanceTimersByTime(5_001);
    const second = service.current();
    expect(repo.reads).toBe(2);
    repo.answer(policy(true));
    expect((await second).enabled).toBe(true);
  });

  it('does not keep a failed read: the next event tries again', async () => {
    const failed = service.current();
    repo.fail();
    await expect(failed).rejects.toThrow('database unavailable');
    const retried = service.current();
    expect(repo.reads).toBe(2);
    repo.answer(policy(true));
    expect((await retried).enabled).toBe(true);
  });
});
