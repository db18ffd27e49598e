/** Bull queue names and job payloads, in one place. */
export const QUEUES = {
  FLOW_IMPORT: 'flow-import',
  NETWORK: 'network',
  TRAINING: 'training',
  WEBHOOKS: 'webhooks',
  SIEM: 'siem',
} as const;

/** In-process events (EventEmitter2) about the queues' Redis connections. */
export const QUEUE_EVENTS = {
  /** A queue's connection is back after Redis was unreachable: work that could not be queued meanwhile can be. */
  RECONNECTED: 'queue.reconnected',
} as const;

export interface QueueReconnectedEvent {
  queue: string;
}

export interface FlowImportJob {
  /** The uploaded CSV, fully written to disk before the job was queued. */
  path: string;
  fileName: string;
  sensorId: string | null;
  requestedBy: string | null;
  /** Flow dialect of the header, checked at upload (see core/features/flow-dialects.ts). */
  dialect?: string;
  /** IANA zone of the file's local timestamps; null or absent: UTC. */
  timeZone?: string | null;
  /** Rows already committed (a retried job resumes after them). */
  committedRows?: number;
}

export interface FlowImportProgress {
  rows: number;
  skipped: number;
  flows_stored: number;
  alerts_raised: number;
  alerts_updated: number;
  bytes_read: number;
  bytes_total: number;
}

/** One webhook delivery (an event for one webhook); each attempt is recorded in `webhook_deliveries`. */
export interface WebhookDeliveryJob {
  webhookId: string;
  /** Also the body's `id` and the `X-IDS-Delivery` header: the same on every attempt (receivers dedupe on it). */
  deliveryId: string;
  /** A subscribable event name (`alert.raised`, …) or `ping` (POST /webhooks/{id}/test). */
  event: string;
  occurredAt: string;
  data: unknown;
  /**
   * An `alert.raised.digest`: `data` stays null until the job seals the webhook's open digest number `seq` (kept in
   * Redis while it collects alerts) and stores it here, so every retry sends the same body.
   */
  digest?: { seq: number };
}

/** One SIEM delivery: an event, as ECS documents, to one syslog destination (docs/siem.md). */
export interface SiemDeliveryJob {
  /** The destination's name (`tls://host:port`). */
  destination: string;
  /** The ECS `event.id`: the same on every attempt (a receiver may see a delivery twice; it dedupes on it). */
  deliveryId: string;
  event: string;
  occurredAt: string;
  /** The event's payload as JSON; mapped to ECS when sent, so every attempt sends the same documents. */
  data: unknown;
  /** An `alert.raised.digest`: `data` stays null until the job seals the destination's open digest `seq`. */
  digest?: { seq: number };
}

/** Jobs of the `network` queue. Job ids de-duplicate: `apply:<actionId>`, `remove:<actionId>`, `expire:<actionId>`. */
export const NETWORK_JOBS = {
  /** Make the firewall hold a new or extended block (pending → active). */
  APPLY: 'apply',
  /** Take revoked blocks out of the firewall. */
  REMOVE: 'remove',
  /** Delayed until the block's `expires_at`: mark it expired and take it out. */
  EXPIRE: 'expire',
} as const;

export interface NetworkApplyJob {
  actionId: string;
}

export interface NetworkRemoveJob {
  actionIds: string[];
}

export interface NetworkExpireJob {
  actionId: string;
}

export interface TrainingJob {
  /** CSV file or directory on the server; analyst feedback examples are added when includeFeedback is set. */
  dataPath: string | null;
  includeFeedback: boolean;
  epochs: number;
  seed: number;
  requestedBy: string | null;
}
