import { pairsOf, StreamEntry } from './stream-entry';

/** Decoders of the raw Redis stream replies ioredis returns (nested arrays, flat field lists). */

function entryOf(raw: unknown): StreamEntry | null {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') return null;
  const list = raw[1];
  return { id: raw[0], fields: Array.isArray(list) ? pairsOf(list) : null };
}

/** XREADGROUP … STREAMS <one key>: `[[key, [[id, [f, v, …] | null], …]]]` or null. */
export function entriesOfRead(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply) || !Array.isArray(reply[0]) || !Array.isArray(reply[0][1])) return [];
  return (reply[0][1] as unknown[]).map(entryOf).filter((e): e is StreamEntry => e !== null);
}

export interface ClaimReply {
  next: string;
  entries: StreamEntry[];
  /** Pending ids whose entries no longer exist (Redis 7 removes them from the pending list itself). */
  deleted: string[];
}

/** XAUTOCLAIM: `[nextStart, [[id, fields] | null, …], [deletedId, …]?]`. */
export function claimReplyOf(reply: unknown): ClaimReply {
  if (!Array.isArray(reply)) return { next: '0-0', entries: [], deleted: [] };
  const entries = Array.isArray(reply[1]) ? (reply[1] as unknown[]).map(entryOf).filter((e): e is StreamEntry => e !== null) : [];
  const deleted = Array.isArray(reply[2]) ? (reply[2] as unknown[]).map(String) : [];
  return { next: String(reply[0] ?? '0-0'), entries, deleted };
}

/** A flat `[name, value, name, value, …]` reply (XINFO) as a record. */
export function recordOf(flat: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

export interface PendingSummary {
  count: number;
  minId: string | null;
}

/** XPENDING key group: `[count, minId, maxId, [[consumer, count], …]]`. */
export function pendingSummaryOf(reply: unknown): PendingSummary {
  if (!Array.isArray(reply)) return { count: 0, minId: null };
  return { count: Number(reply[0] ?? 0), minId: typeof reply[1] === 'string' ? reply[1] : null };
}

/** XPENDING key group start end count: `[[id, consumer, idleMs, deliveries], …]` → id → deliveries. */
export function deliveriesOf(reply: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(reply)) return out;
  for (const row of reply) if (Array.isArray(row)) out.set(String(row[0]), Number(row[3]));
  return out;
}

export const numberOrNull = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
