import { AlertStatus } from './alert.entity';

/**
 * The triage workflow: an alert is picked up (active → investigating), then closed as resolved or as a false
 * positive, or handed back (investigating → active). A false positive recognised at a glance is closed straight
 * from active; resolving takes an investigation. A closed alert can only be reopened (→ active). Asking for the
 * status an alert already has is not a transition: callers treat it as a no-op.
 */
export const ALERT_TRANSITIONS: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  [AlertStatus.ACTIVE]: [AlertStatus.INVESTIGATING, AlertStatus.FALSE_POSITIVE],
  [AlertStatus.INVESTIGATING]: [AlertStatus.ACTIVE, AlertStatus.RESOLVED, AlertStatus.FALSE_POSITIVE],
  [AlertStatus.RESOLVED]: [AlertStatus.ACTIVE],
  [AlertStatus.FALSE_POSITIVE]: [AlertStatus.ACTIVE],
};

export type TransitionCheck = 'allowed' | 'unchanged' | 'illegal';

export function checkTransition(from: AlertStatus, to: AlertStatus): TransitionCheck {
  if (from === to) return 'unchanged';
  return ALERT_TRANSITIONS[from].includes(to) ? 'allowed' : 'illegal';
}

/** Resolved and false_positive close an alert (they raise `alert.resolved`). */
export function isClosed(status: AlertStatus): boolean {
  return status === AlertStatus.RESOLVED || status === AlertStatus.FALSE_POSITIVE;
}

export interface ResolutionInput {
  reason: string | null;
  /** The user closing the alert (null for a caller that is not a user). */
  userId: string | null;
  /** The analyst's class for a false positive. */
  label: string | null;
}

/** The resolution columns an alert takes on entering `to`: set when it closes, cleared otherwise (reopen). */
export interface ResolutionFields {
  resolutionReason: string | null;
  resolvedBy: string | null;
  /** True: resolved_at becomes the transaction's time; false: it is cleared. */
  resolved: boolean;
  feedbackLabel: string | null;
}

export function resolutionFields(to: AlertStatus, input: ResolutionInput): ResolutionFields {
  if (!isClosed(to)) return { resolutionReason: null, resolvedBy: null, resolved: false, feedbackLabel: null };
  return {
    resolutionReason: input.reason,
    resolvedBy: input.userId,
    resolved: true,
    feedbackLabel: to === AlertStatus.FALSE_POSITIVE ? input.label : null,
  };
}
