/** How repeated blocks of one target grow (FIREWALL_ESCALATION_*). */
export interface EscalationPolicy {
  /** Earlier blocks count when created within this many seconds; 0 turns escalation off. */
  lookbackSeconds: number;
  factor: number;
  maxSeconds: number;
}

/**
 * The duration of a new block after `previousBlocks` earlier blocks of the same target within the lookback:
 * `requested × factor^previousBlocks`, capped at `maxSeconds` but never below what was asked for. A permanent
 * block (null) stays permanent.
 */
export function escalatedDuration(requested: number | null, previousBlocks: number, policy: EscalationPolicy): number | null {
  if (requested === null) return null;
  if (previousBlocks <= 0 || policy.lookbackSeconds <= 0) return requested;
  const escalated = Math.round(requested * policy.factor ** previousBlocks);
  return Math.max(requested, Math.min(escalated, policy.maxSeconds));
}
