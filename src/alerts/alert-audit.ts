import { ActorContext } from '../common/auth/principal';
import { AlertEntity } from './alert.entity';

/** What the audit log keeps of an alert before and after a triage change. */
export function alertAuditView(a: AlertEntity): Record<string, unknown> {
  return {
    status: a.status,
    assignee_id: a.assigneeId,
    resolution_reason: a.resolutionReason,
    resolved_by: a.resolvedBy,
    feedback_label: a.feedbackLabel,
  };
}

/** The user behind a request, for columns that reference `users` (null for API keys and the system). */
export function actorUserId(actor: ActorContext): string | null {
  return actor.principal?.kind === 'user' ? actor.principal.id : null;
}
