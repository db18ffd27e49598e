/** Bull queue names and job payloads, in one place. */
export const QUEUES = {
  FLOW_IMPORT: 'flow-import',
  NETWORK: 'network',
  TRAINING: 'training',
  WEBHOOKS: 'webhooks',
} as const;

export interface FlowImportJob {
  /** The uploaded CSV, fully written to disk before the job was queued. */
  path: string;
  fileName: string;
  sensorId: string | null;
  requestedBy: string | null;
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
