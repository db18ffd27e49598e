import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { parseBlockPort, parseProtocol } from '../../core/net';
import { ActionLifecycle } from '../action-lifecycle.service';
import { AlertNotesRepository } from '../../alerts/alert-notes.repository';
import { BlockSafety, ProtectionHit } from '../block-safety.service';
import { DryRunPreview } from '../dry-run-preview.service';
import { actionAuditView } from '../dto/network-action.dto';
import { EscalationPolicy, escalatedDuration } from '../escalation';
import type { FirewallCommand } from '../firewall';
import { NetworkActionEntity, NetworkActionStatus, NetworkActionType } from '../network-action.entity';
import { NetworkActionsRepository } from '../network-actions.repository';
import { NetworkEventPublisher } from '../network-event.publisher';
import { NetworkJobsService } from '../network-jobs.service';
import { NetworkMetrics } from '../network.metrics';

interface BlockCommon {
  duration?: number | null;
  reason: string;
  alert_id?: string | null;
  force?: boolean;
}

export interface BlockIpInput extends BlockCommon {
  ip: unknown;
}

export interface BlockPortInput extends BlockCommon {
  port: unknown;
  protocol: unknown;
}

export interface BlockOptions {
  /** Created by the auto-response policy: linked to its alert with a note on the alert's timeline. */
  automatic?: boolean;
}

export interface BlockResult {
  action: NetworkActionEntity;
  /** False: the target was already blocked and the live block is returned (extended when the new one ends later). */
  created: boolean;
  /** Under the dry-run firewall driver, the commands applying the block would run; otherwise null. */
  dryRunCommands: FirewallCommand[] | null;
}

interface BlockSpec {
  type: NetworkActionType;
  target: string;
  family: number | null;
  port: number | null;
  protocol: string | null;
  /** The request field a refusal names. */
  field: string;
  duration: number | null;
  reason: string;
  alertId: string | null;
  force: boolean;
  automatic: boolean;
}

interface Committed extends Omit<BlockResult, 'dryRunCommands'> {
  /** The database changed (new block or later expiry): the firewall has work to do. */
  changed: boolean;
}

const isUniqueViolation = (e: unknown): boolean =>
  (e as { code?: unknown })?.code === '23505' || (e as { driverError?: { code?: unknown } })?.driverError?.code === '23505';

/**
 * Blocks an address, a network or a port: guards, then one transaction (find the live block of the target or
 * create one with its escalated duration, audit), then the firewall job and the delayed expiry job. Blocking a
 * blocked target returns the live block (never a second rule) and moves its expiry when the new one is later.
 */
@Injectable()
export class BlockTargetUseCase {
  private readonly escalation: EscalationPolicy;

  constructor(
    private readonly actions: NetworkActionsRepository,
    private readonly safety: BlockSafety,
    private readonly lifecycle: ActionLifecycle,
    private readonly jobs: NetworkJobsService,
    private readonly publisher: NetworkEventPublisher,
    private readonly metrics: NetworkMetrics,
    private readonly audit: AuditService,
    private readonly alertNotes: AlertNotesRepository,
    private readonly preview: DryRunPreview,
    config: ConfigService<AppConfig, true>,
  ) {
    this.escalation = config.get('network.escalation', { infer: true });
  }

  async blockIp(actor: ActorContext, input: BlockIpInput, options: BlockOptions = {}): Promise<BlockResult> {
    const force = options.automatic ? false : (input.force ?? false);
    this.safety.assertMayForce(actor, force);
    const target = this.safety.blockableTarget(input.ip, 'ip', force);
    const spec = this.spec(input, options, { type: NetworkActionType.BLOCK_IP, target: target.canonical, family: target.family, port: null, protocol: null, field: 'ip' });
    return this.execute(actor, spec, await this.safety.addressProtections(target, actor));
  }

  async blockPort(actor: ActorContext, input: BlockPortInput, options: BlockOptions = {}): Promise<BlockResult> {
    const port = parseBlockPort(input.port, 'port');
    const protocol = parseProtocol(input.protocol, 'protocol');
    const spec = this.spec(input, options, { type: NetworkActionType.BLOCK_PORT, target: `${port}/${protocol}`, family: null, port, protocol, field: 'port' });
    this.safety.assertMayForce(actor, spec.force);
    return this.execute(actor, spec, this.safety.portProtections(port, protocol));
  }

  private spec(input: BlockCommon, options: BlockOptions, what: Pick<BlockSpec, 'type' | 'target' | 'family' | 'port' | 'protocol' | 'field'>): BlockSpec {
    return {
      ...what,
      duration: input.duration ?? null,
      reason: input.reason.trim(),
      alertId: input.alert_id ?? null,
      force: options.automatic ? false : (input.force ?? false),
      automatic: options.automatic ?? false,
    };
  }

  private async execute(actor: ActorContext, spec: BlockSpec, hits: ProtectionHit[]): Promise<BlockResult> {
    if (hits.length > 0 && !spec.force) await this.refuse(actor, spec, hits);
    if (spec.alertId && !(await this.alertNotes.alertExists(spec.alertId))) {
      throw DomainError.validation([{ field: 'alert_id', reason: 'no such alert' }]);
    }
    await this.lifecycle.expireDue(await this.actions.findStaleLiveIds(spec.type, spec.target));
    const committed = await this.commit(actor, spec, hits).catch((e) => {
      if (!isUniqueViolation(e)) throw e;
      return this.commit(actor, spec, hits); // a concurrent request created the block first: return it
    });
    this.metrics.action(spec.type, committed.created ? 'created' : committed.changed ? 'extended' : 'duplicate');
    if (committed.changed) await this.jobs.applied(committed.action);
    if (committed.changed && !committed.created && committed.action.status === NetworkActionStatus.ACTIVE) {
      this.publisher.blocked([committed.action]);
    }
    return { action: committed.action, created: committed.created, dryRunCommands: await this.preview.commandsFor(committed.action) };
  }

  private commit(actor: ActorContext, spec: BlockSpec, hits: ProtectionHit[]): Promise<Committed> {
    return this.actions.manager.transaction(async (m) => {
      const live = await this.actions.findLiveForUpdate(m, spec.type, spec.target);
      if (live) return this.extend(m, actor, spec, live);
      const previous = await this.actions.countRecentBlocks(m, spec.type, spec.target, this.escalation.lookbackSeconds);
      const duration = escalatedDuration(spec.duration, previous, this.escalation);
      const action = await this.actions.insert(m, {
        actionType: spec.type,
        target: spec.target,
        family: spec.family,
        port: spec.port,
        protocol: spec.protocol,
        reason: spec.reason,
        durationSeconds: duration,
        escalationLevel: previous,
        isAutomatic: spec.automatic,
        alertId: spec.alertId,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null,
      });
      const overridden = spec.force ? hits.map((h) => `${h.protection}: ${h.detail}`) : [];
      await this.audit.record(actor, {
        action: 'network.block',
        targetType: 'network_action',
        targetId: action.id,
        after: actionAuditView(action),
        details: { requested_duration: spec.duration, forced: overridden.length > 0, overridden, automatic: spec.automatic },
      }, m);
      const lasting = duration === null ? 'permanently' : `for ${duration} s${previous ? ` (escalation level ${previous})` : ''}`;
      await this.note(m, spec, action, `Automatic response: blocked ${spec.target} ${lasting} (network action ${action.id})`);
      return { action, created: true, changed: true };
    });
  }

  private async extend(m: EntityManager, actor: ActorContext, spec: BlockSpec, live: NetworkActionEntity): Promise<Committed> {
    if (!(await this.actions.extend(m, live.id, spec.duration))) {
      await this.note(m, spec, live, `Automatic response: ${spec.target} is already blocked (network action ${live.id})`);
      return { action: live, created: false, changed: false };
    }
    const [after] = await this.actions.findByIds(m, [live.id]);
    await this.audit.record(actor, {
      action: 'network.block.extend',
      targetType: 'network_action',
      targetId: live.id,
      before: actionAuditView(live),
      after: actionAuditView(after),
      details: { requested_duration: spec.duration, automatic: spec.automatic },
    }, m);
    await this.note(m, spec, after, `Automatic response: extended the block of ${spec.target} (network action ${live.id})`);
    return { action: after, created: false, changed: true };
  }

  /** The alert timeline entry of an automatic block, in the block's own transaction. */
  private async note(m: EntityManager, spec: BlockSpec, action: NetworkActionEntity, body: string): Promise<void> {
    if (!spec.automatic || !spec.alertId) return;
    const data = { action_id: action.id, target: action.target, expires_at: action.expiresAt?.toISOString() ?? null, dry_run: false };
    await this.alertNotes.addAutoResponse(m, spec.alertId, body, data);
  }

  private async refuse(actor: ActorContext, spec: BlockSpec, hits: ProtectionHit[]): Promise<never> {
    const reasons = hits.map((h) => `${h.protection}: ${h.detail}`);
    await this.audit.record(actor, {
      action: 'network.block',
      outcome: 'denied',
      targetType: 'network_action',
      details: { target: spec.target, type: spec.type, refused: reasons, automatic: spec.automatic },
    });
    this.metrics.action(spec.type, 'refused');
    throw new DomainError(ErrorCode.CONFLICT, `Refusing to block ${spec.target}: it covers ${hits.map((h) => h.detail).join(', ')}`, {
      details: hits.map((h) => ({ field: spec.field, reason: `${h.protection}: ${h.detail}` })),
    });
  }
}
