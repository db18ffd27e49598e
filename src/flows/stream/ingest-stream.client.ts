import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { compareEntryIds, StreamEntry } from './stream-entry';
import { StreamFlowResult } from './stream-ledger.repository';
import { ClaimReply, claimReplyOf, deliveriesOf, entriesOfRead } from './stream-replies';

export type StreamSettings = AppConfig['ingestStream'];

export interface DeadEntry {
  entry: StreamEntry;
  reason: string;
}

/** What a processed batch leaves to do in Redis: results to publish, entries to dead-letter, ids to XACK. */
export interface BatchCompletion {
  results: StreamFlowResult[];
  dead: DeadEntry[];
  ackIds: string[];
}

/** KEYS[1] the stream; ARGV: group, idle threshold (ms), the caller's own consumer name (never removed). */
const REMOVE_IDLE_CONSUMERS = `
local removed = {}
for _, flat in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local c = {}
  for i = 1, #flat, 2 do c[flat[i]] = flat[i + 1] end
  if c.name ~= ARGV[3] and tonumber(c.pending) == 0 and tonumber(c.idle) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], c.name)
    removed[#removed + 1] = c.name
  end
end
return removed`;

const isNoGroup = (e: unknown) => e instanceof Error && /NOGROUP/.test(e.message);

/**
 * The stream commands of one consumer, on its own connection (XREADGROUP blocks it). Commands are issued one at
 * a time by the consumer loop.
 */
export class IngestStreamClient {
  constructor(
    private readonly redis: Redis,
    private readonly settings: StreamSettings,
  ) {}

  /** Creates the consumer group (and the stream) when missing; a new group starts at the stream's first entry. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.settings.key, this.settings.group, '0', 'MKSTREAM');
    } catch (e) {
      if (!(e instanceof Error && /BUSYGROUP/.test(e.message))) throw e;
    }
  }

  /** New entries (`>`), waiting up to BLOCK ms; or this consumer's own pending ones (`0`) after a restart. */
  async read(which: 'new' | 'own-pending'): Promise<StreamEntry[]> {
    const { key, group, consumer, batchSize, blockMs } = this.settings;
    const run = () =>
      which === 'new'
        ? this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', key, '>')
        : this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'STREAMS', key, '0');
    return entriesOfRead(await this.withGroup(run));
  }

  /** Takes over entries pending (unacknowledged) for longer than the minimum idle time, from `cursor` on. */
  async claim(cursor: string): Promise<ClaimReply> {
    const { key, group, consumer, claimMinIdleMs, batchSize } = this.settings;
    return claimReplyOf(await this.withGroup(() => this.redis.xautoclaim(key, group, consumer, claimMinIdleMs, cursor, 'COUNT', batchSize)));
  }

  /**
   * Removes from the group every other consumer idle for longer than `maxIdleMs` that holds no pending entry,
   * and returns their names. Checked and removed in one script: a consumer that reads meanwhile cannot lose
   * entries to XGROUP DELCONSUMER (which drops the pending entries of the consumer it removes).
   */
  async removeIdleConsumers(maxIdleMs: number): Promise<string[]> {
    const { key, group, consumer } = this.settings;
    return (await this.withGroup(() => this.redis.eval(REMOVE_IDLE_CONSUMERS, 1, key, group, maxIdleMs, consumer))) as string[];
  }

  /** How many times each of these pending entries has been delivered. */
  async deliveries(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const sorted = [...ids].sort(compareEntryIds);
    const { key, group, consumer } = this.settings;
    const reply = await this.redis.xpending(key, group, sorted[0], sorted[sorted.length - 1], Math.max(1000, ids.length * 2), consumer);
    return deliveriesOf(reply);
  }

  /**
   * Publishes the results, dead-letters what must be, and acknowledges the batch, atomically (MULTI): after a
   * crash either all of it happened or none, and the batch is delivered again.
   */
  async complete(batch: BatchCompletion, consumer: string): Promise<void> {
    if (!batch.ackIds.length) return;
    const { key, group, outKey, deadKey, maxLen } = this.settings;
    const tx = this.redis.multi();
    for (const r of batch.results) tx.xadd(outKey, 'MAXLEN', '~', maxLen, '*', ...resultFields(r));
    for (const d of batch.dead) tx.xadd(deadKey, 'MAXLEN', '~', maxLen, '*', ...deadFields(d, consumer));
    tx.xack(key, group, ...batch.ackIds);
    const replies = await tx.exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) throw failed?.[0] ?? new Error('stream transaction was discarded');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Runs a group command; when the group was deleted meanwhile, creates it again and retries once. */
  private async withGroup<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (!isNoGroup(e)) throw e;
      await this.ensureGroup();
      return run();
    }
  }
}

/** One output entry per flow; absent values are left out. */
export function resultFields(r: StreamFlowResult): string[] {
  const fields: [string, string | number | null][] = [
    ['entry_id', r.entryId],
    ['index', r.index],
    ['id', r.id],
    ['flow_id', r.flowId],
    ['label', r.label],
    ['confidence', r.confidence],
    ['alert_id', r.alertId],
  ];
  return fields.filter(([, v]) => v !== null).flatMap(([k, v]) => [k, String(v)]);
}

/** A dead letter keeps the original fields (as a JSON object) beside the reason, so it can be fixed and replayed. */
export function deadFields(d: DeadEntry, consumer: string): string[] {
  const payload = d.entry.fields ? JSON.stringify(Object.fromEntries(d.entry.fields)) : '';
  return ['entry_id', d.entry.id, 'reason', d.reason, 'consumer', consumer, 'dead_at', new Date().toISOString(), 'payload', payload];
}
