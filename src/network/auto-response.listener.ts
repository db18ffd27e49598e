import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AlertEvents, AlertRaisedEvent, AlertUpdatedEvent } from '../alerts/alert.events';
import { AlertDto } from '../alerts/dto/alert.dto';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../common/auth/principal';
import { DomainError, ErrorCode } from '../core/domain-error';
import { AlertNotesRepository } from '../alerts/alert-notes.repository';
import { AutoResponsePolicyEntity } from './auto-response-policy.entity';
import { AutoResponsePolicyService } from './auto-response-policy.service';
import { autoResponseDecision } from './auto-response.rules';
import { BlockSafety } from './block-safety.service';
import { BlockTargetUseCase } from './use-cases/block-target.use-case';

interface Outcome {
  body: string;
  outcome: 'success' | 'denied';
  details: Record<string, unknown>;
}

/**
 * Applies the auto-response policy to raised alerts, and to updated ones (an alert whose risk or confidence
 * rose past the thresholds qualifies on the update that raised it). At most one response per alert: the
 * `auto_response` entry on its timeline marks it handled. Blocks go through the same use case as a user's,
 * guards included, never forced, audited as `system`. A dry run records what it would do and blocks nothing.
 */
@Injectable()
export class AutoResponseListener {
  private readonly logger = new Logger(AutoResponseListener.name);
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly policies: AutoResponsePolicyService,
    private readonly blocks: BlockTargetUseCase,
    private readonly safety: BlockSafety,
    private readonly audit: AuditService,
    private readonly notes: AlertNotesRepository,
  ) {}

  @OnEvent(AlertEvents.RAISED, { async: true })
  onRaised(event: AlertRaisedEvent): Promise<void> {
    return this.handle(event.alert);
  }

  @OnEvent(AlertEvents.UPDATED, { async: true })
  onUpdated(event: AlertUpdatedEvent): Promise<void> {
    return this.handle(event.alert);
  }

  /** Never throws: a listener failure must not reach the emitter (the alert is committed already). */
  async handle(alert: AlertDto): Promise<void> {
    if (this.inFlight.has(alert.id)) return;
    this.inFlight.add(alert.id);
    try {
      const policy = await this.policies.current();
      const decision = autoResponseDecision(policy, alert);
      if (decision.block && !(await this.notes.hasAutoResponse(alert.id))) await this.respond(policy, alert, decision.ip);
    } catch (error) {
      this.logger.error({ err: error, alertId: alert.id }, `Auto-response to alert ${alert.id} failed: ${(error as Error).message}`);
    } finally {
      this.inFlight.delete(alert.id);
    }
  }

  private async respond(policy: AutoResponsePolicyEntity, alert: AlertDto, ip: string): Promise<void> {
    if (policy.dryRun) return this.record(alert, await this.dryRun(policy, ip));
    const reason = `Auto-response to alert ${alert.id}: ${alert.attack_type} (${alert.risk_level}, confidence ${alert.max_confidence.toFixed(2)})`;
    try {
      await this.blocks.blockIp(SYSTEM_ACTOR, { ip, duration: policy.durationSeconds, reason, alert_id: alert.id }, { automatic: true });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.record(alert, {
        body: `Automatic response refused: ${error.message}`,
        outcome: 'denied',
        details: { ip, dry_run: false, refused: error.details.map((d) => d.reason) },
      });
    }
  }

  /** The guards a real block would meet, without blocking. */
  private async dryRun(policy: AutoResponsePolicyEntity, ip: string): Promise<Outcome> {
    let refused: string[];
    try {
      const target = this.safety.blockableTarget(ip, 'ip');
      refused = (await this.safety.addressProtections(target, SYSTEM_ACTOR)).map((h) => `${h.protection}: ${h.detail}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refused = error.details.map((d) => d.reason);
    }
    const body = refused.length
      ? `Dry run: the auto-response policy would not block ${ip} (${refused.join('; ')})`
      : `Dry run: the auto-response policy would block ${ip} for ${policy.durationSeconds} s`;
    return { body, outcome: 'success', details: { ip, dry_run: true, would_block: refused.length === 0, duration: policy.durationSeconds, refused } };
  }

  /** The timeline note and its audit record, together. */
  private async record(alert: AlertDto, outcome: Outcome): Promise<void> {
    await this.notes.manager.transaction(async (m) => {
      await this.notes.addAutoResponse(m, alert.id, outcome.body, outcome.details);
      await this.audit.record(SYSTEM_ACTOR, {
        action: 'network.auto_response',
        outcome: outcome.outcome,
        targetType: 'alert',
        targetId: alert.id,
        details: outcome.details,
      }, m);
    });
  }
}

/** The block was refused by a guard or the parser (409 / 400), not broken. */
function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && [ErrorCode.CONFLICT, ErrorCode.VALIDATION_FAILED, ErrorCode.FORBIDDEN].includes(error.code);
}
