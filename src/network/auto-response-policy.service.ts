import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ActorContext } from '../common/auth/principal';
import { AutoResponsePolicyEntity } from './auto-response-policy.entity';
import { AutoResponsePolicyRepository } from './auto-response-policy.repository';
import { AutoResponsePolicyInputDto, policyAuditView } from './dto/auto-response.dto';

/** Other instances see a change within this long; this instance at once. */
const CACHE_MS = 5_000;

/** The auto-response policy, read on every alert event (cached briefly), changed by admins (audited). */
@Injectable()
export class AutoResponsePolicyService {
  /**
   * The read itself is cached, not its result: a batch that raises a thousand alerts emits a thousand events in
   * one tick, and they all share one query instead of each missing the cache before the first answer arrives.
   */
  private cached: { policy: Promise<AutoResponsePolicyEntity>; until: number } | null = null;

  constructor(
    private readonly policies: AutoResponsePolicyRepository,
    private readonly audit: AuditService,
  ) {}

  get(): Promise<AutoResponsePolicyEntity> {
    return this.policies.get();
  }

  current(): Promise<AutoResponsePolicyEntity> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.policy;
    const entry = { policy: this.policies.get(), until: now + CACHE_MS };
    this.cached = entry;
    // a failed read is not kept: the next event tries again
    entry.policy.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return entry.policy;
  }

  async update(actor: ActorContext, dto: AutoResponsePolicyInputDto): Promise<AutoResponsePolicyEntity> {
    const updated = await this.policies.manager.transaction(async (m) => {
      const before = await this.policies.get(m);
      const after = await this.policies.update(
        m,
        {
          enabled: dto.enabled,
          minRiskLevel: dto.min_risk_level,
          minConfidence: dto.min_confidence,
          attackTypes: [...new Set(dto.attack_types.map((t) => t.trim()))],
          durationSeconds: dto.duration,
          dryRun: dto.dry_run,
        },
        actor.principal?.kind === 'user' ? actor.principal.id : null,
      );
      await this.audit.record(actor, {
        action: 'network.auto_response.update',
        targetType: 'auto_response_policy',
        targetId: after.id,
        before: policyAuditView(before),
        after: policyAuditView(after),
      }, m);
      return after;
    });
    this.cached = null;
    return updated;
  }
}
