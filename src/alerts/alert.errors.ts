import { DomainError, ErrorCode } from '../core/domain-error';
import { AlertStatus } from './alert.entity';
import { ALERT_TRANSITIONS } from './alert-workflow';

export function alertNotFound(id: string): DomainError {
  return DomainError.notFound('Alert', id);
}

export function invalidTransitionMessage(from: AlertStatus, to: AlertStatus): string {
  const allowed = ALERT_TRANSITIONS[from];
  return `An alert cannot go from ${from} to ${to} (from ${from}: ${allowed.join(', ')})`;
}

export function invalidTransition(from: AlertStatus, to: AlertStatus): DomainError {
  return new DomainError(ErrorCode.INVALID_TRANSITION, invalidTransitionMessage(from, to));
}
