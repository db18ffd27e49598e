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
  private cached: { policy: AutoResponsePolicyEntity; until: number } | null = null;

  constructor(
    private readonly policies: AutoResponsePolicyRepository,
    private readonly audit: AuditService,
  ) {}

  get(): Promise<AutoResponsePolicyEntity> {
    return this.policies.get();
  }

  async current(): Promise<AutoResponsePolicyEntity> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.policy;
    const policy = await this.policies.get();
    this.cached = { policy, until: Date.now() + CACHE_MS };
    return policy;
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
