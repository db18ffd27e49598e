import { NetworkActionDto } from './dto/network-action.dto';

/**
 * Domain events of the network module (EventEmitter2 names), emitted after the change is committed. Each
 * carries the action as the API shows it and the alert it responds to.
 */
export const NetworkEvents = {
  /** An IP block took effect (pending → active), or a live IP block was extended (same action id). */
  IP_BLOCKED: 'network.ip_blocked',
  /** A port block took effect, or a live port block was extended. */
  PORT_BLOCKED: 'network.port_blocked',
  /** A block reached its expiry and was taken out of the firewall. */
  BLOCK_EXPIRED: 'network.block_expired',
  /** A block was lifted by a user (DELETE /network/unblock/{id} or POST /network/unblock). */
  BLOCK_REVOKED: 'network.block_revoked',
  /** A block could not be applied after every retry; `action.error` says why. */
  BLOCK_FAILED: 'network.block_failed',
} as const;

export type NetworkEventName = (typeof NetworkEvents)[keyof typeof NetworkEvents];

export interface NetworkActionEvent {
  action: NetworkActionDto;
  alert_id: string | null;
}

/** Payload of every network event, by name (for typed listeners and the realtime gateway). */
export type NetworkEventMap = { [K in NetworkEventName]: NetworkActionEvent };
