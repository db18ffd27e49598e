import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ActorContext } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { ANOMALY_LABEL, BENIGN_LABEL, normaliseLabel } from '../../core/features/label-normaliser';
import { AlertEntity, AlertStatus } from '../alert.entity';
import { actorUserId } from '../alert-audit';
import { AlertTimelineRepository } from '../alert-timeline.repository';
import { resolutionFields } from '../alert-workflow';
import { AlertsRepository } from '../alerts.repository';
import { ChangeAlertStatusDto } from '../dto/alert-change.dto';
import { FeedbackRepository } from '../feedback/feedback.repository';

/** A status change as requested, checked: the reason trimmed, the label of a false positive known. */
export interface StatusChange {
  status: AlertStatus;
  reason: string | null;
  label: string | null;
}

/** The part of a status change shared by the single and the bulk route. */
@Injectable()
export class StatusChangeApplier {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly timeline: AlertTimelineRepository,
    private readonly feedback: FeedbackRepository,
  ) {}

  /**
   * Checks the request: `label` goes with false_positive only (default BENIGN) and must name a known class, in
   * any spelling the pipeline reads (`Portscan`, `Web Attack – XSS`, …: normaliseLabel), stored canonical.
   */
  async prepare(dto: ChangeAlertStatusDto): Promise<StatusChange> {
    const reason = dto.reason?.trim() || null;
    if (dto.status !== AlertStatus.FALSE_POSITIVE) {
      if (dto.label !== undefined) throw DomainError.validation([{ field: 'label', reason: 'is only accepted with status false_positive' }]);
      return { status: dto.status, reason, label: null };
    }
    const label = dto.label === undefined ? BENIGN_LABEL : normaliseLabel(dto.label);
    if (label === ANOMALY_LABEL || !(await this.feedback.attackTypeExists(label))) {
      throw DomainError.validation([{ field: 'label', reason: 'must name a class of traffic: BENIGN or an attack type' }]);
    }
    return { status: dto.status, reason, label };
  }

  /**
   * Moves locked alerts, each allowed to make the transition, to the new status in one statement per table:
   * resolution columns, feedback examples (stored on false_positive, withdrawn when a false positive is
   * reopened) and one timeline entry per alert.
   */
  async apply(m: EntityManager, actor: ActorContext, alerts: AlertEntity[], change: StatusChange): Promise<void> {
    const ids = alerts.map((a) => a.id);
    const userId = actorUserId(actor);
    const fields = resolutionFields(change.status, { reason: change.reason, userId, label: change.label });
    await this.alerts.setStatus(m, ids, change.status, fields);
    const stored = change.label ? await this.feedback.storeForAlerts(m, ids, change.label, userId) : new Map<string, string>();
    const reopened = alerts.filter((a) => a.status === AlertStatus.FALSE_POSITIVE).map((a) => a.id);
    const withdrawn = await this.feedback.deleteForAlerts(m, reopened);
    await this.timeline.append(m, {
      kind: 'status_change',
      actor,
      body: change.reason,
      toStatus: change.status,
      entries: alerts.map((a) => ({ alertId: a.id, fromStatus: a.status, data: timelineData(a.id, change, stored, withdrawn) })),
    });
  }
}

function timelineData(id: string, change: StatusChange, stored: Map<string, string>, withdrawn: Set<string>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (change.label) {
    data.label = change.label;
    data.feedback_example_id = stored.get(id) ?? null;
  }
  if (withdrawn.has(id)) data.feedback_withdrawn = true;
  return data;
}
