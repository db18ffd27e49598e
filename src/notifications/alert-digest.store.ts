import Redis from 'ioredis';

/** The event a digest is delivered as; subscribing to `alert.raised` subscribes to it. */
export const DIGEST_EVENT = 'alert.raised.digest';

/** The `data` of an `alert.raised.digest` delivery (documented in docs/webhooks.md). */
export interface AlertDigest {
  /** Alerts raised in the digest's window that were not delivered singly. */
  count: number;
  first_at: string;
  last_at: string;
  window_ms: number;
  by_attack_type: Record<string, number>;
  by_risk_level: Record<string, number>;
  /** The first WEBHOOK_DIGEST_MAX_ALERTS of them, each exactly as an `alert.raised` delivery's `data`. */
  alerts: unknown[];
  /** `count - alerts.length`. */
  omitted: number;
}

export type Routing = { kind: 'single' } | { kind: 'digest'; seq: number; openedAtMs: number };

/**
 * Counts the webhook's `alert.raised` deliveries in a window that starts with the first one; beyond the threshold,
 * or while a digest is open, the alert joins the open digest (opened here with the next sequence number).
 * KEYS: rate, open hash, open alerts list, open attack types, open risk levels, sequence.
 * ARGV: threshold, window ms, max alerts, alert JSON, attack type, risk level, now ISO, now ms.
 */
const ROUTE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 0 then return {0, 0} end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('HSET', KEYS[2], 'seq', redis.call('INCR', KEYS[6]), 'first_at', ARGV[7], 'opened_ms', ARGV[8], 'count', 0)
end
local count = redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HSET', KEYS[2], 'last_at', ARGV[7])
if count <= tonumber(ARGV[3]) then redis.call('RPUSH', KEYS[3], ARGV[4]) end
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
redis.call('HINCRBY', KEYS[5], ARGV[6], 1)
return {tonumber(redis.call('HGET', KEYS[2], 'seq')), tonumber(redis.call('HGET', KEYS[2], 'opened_ms'))}
`;

/**
 * Seals open digest ARGV[1] (renames its keys, so later alerts open the next one) and returns the sealed digest:
 * {hash, alerts, attack types, risk levels}, or nil when it was delivered (and discarded) already.
 * KEYS: the four open keys, then the four sealed keys.
 */
const SEAL = `
if redis.call('HGET', KEYS[1], 'seq') == ARGV[1] then
  for i = 1, 4 do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('RENAME', KEYS[i], KEYS[i + 4]) end
  end
end
if redis.call('EXISTS', KEYS[5]) == 0 then return nil end
return {redis.call('HGETALL', KEYS[5]), redis.call('LRANGE', KEYS[6], 0, -1), redis.call('HGETALL', KEYS[7]), redis.call('HGETALL', KEYS[8])}
`;

const PARTS = ['', ':alerts', ':types', ':risks'];

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

const counts = (flat: string[]): Record<string, number> =>
  Object.fromEntries(Object.entries(pairs(flat)).map(([key, n]) => [key, Number(n)]));

/** WEBHOOK_DIGEST_* or SIEM_DIGEST_*: threshold 0 turns coalescing off. */
export interface DigestSettings {
  threshold: number;
  windowMs: number;
  maxAlerts: number;
}

/**
 * Where a storm's `alert.raised` deliveries collect, per target (a webhook, a syslog destination), in Redis:
 * shared by every instance and kept as long as the delivery queue itself, so an alert counted into a digest is
 * not lost with a process. One store per channel (`webhooks`, `siem`), each with its own keys and settings.
 */
export class AlertDigestStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly settings: DigestSettings,
  ) {
    this.prefix = keyPrefix;
  }

  get enabled(): boolean {
    return this.settings.threshold > 0;
  }

  get windowMs(): number {
    return this.settings.windowMs;
  }

  /** Routes an `alert.raised` payload (`{ alert: AlertDto }`) by the alert's attack type and risk level. */
  routeAlert(targetId: string, data: unknown): Promise<Routing> {
    const alert = (data as { alert?: { attack_type?: unknown; risk_level?: unknown } } | null)?.alert;
    const attackType = typeof alert?.attack_type === 'string' ? alert.attack_type : 'unknown';
    const riskLevel = typeof alert?.risk_level === 'string' ? alert.risk_level : 'unknown';
    return this.route(targetId, data, attackType, riskLevel);
  }

  /** Single delivery, or the digest the alert joined (its job must exist: the caller adds it, de-duplicated). */
  async route(targetId: string, data: unknown, attackType: string, riskLevel: string): Promise<Routing> {
    const key = (part: string) => `${this.prefix}:{${targetId}}${part}`;
    const keys = [key(':rate'), ...PARTS.map((p) => key(`:open${p}`)), key(':seq')];
    const now = new Date();
    const { threshold, windowMs, maxAlerts } = this.settings;
    const args = [threshold, windowMs, maxAlerts, JSON.stringify(data), attackType, riskLevel, now.toISOString(), now.getTime()];
    const [seq, openedAtMs] = (await this.redis.eval(ROUTE, keys.length, ...keys, ...args.map(String))) as [number, number];
    return seq === 0 ? { kind: 'single' } : { kind: 'digest', seq, openedAtMs };
  }

  /** Seals digest `seq` of the target and returns it; null when it is gone (delivered and discarded). */
  async seal(targetId: string, seq: number): Promise<AlertDigest | null> {
    const key = (part: string) => `${this.prefix}:{${targetId}}${part}`;
    const keys = [...PARTS.map((p) => key(`:open${p}`)), ...PARTS.map((p) => key(`:sealed:${seq}${p}`))];
    const sealed = (await this.redis.eval(SEAL, keys.length, ...keys, String(seq))) as [string[], string[], string[], string[]] | null;
    if (!sealed) return null;
    const [hash, alerts, types, risks] = sealed;
    const meta = pairs(hash);
    const count = Number(meta.count);
    return {
      count,
      first_at: meta.first_at,
      last_at: meta.last_at,
      window_ms: this.settings.windowMs,
      by_attack_type: counts(types),
      by_risk_level: counts(risks),
      alerts: alerts.map((a) => JSON.parse(a) as unknown),
      omitted: count - alerts.length,
    };
  }

  /** Drops sealed digest `seq` once its body is stored in the delivery job. */
  async discard(targetId: string, seq: number): Promise<void> {
    await this.redis.del(...PARTS.map((p) => `${this.prefix}:{${targetId}}:sealed:${seq}${p}`));
  }
}

/** A digest job found its digest sealed and stored by an earlier run: nothing more to store. */
export interface DigestJob {
  data: unknown;
  digest?: { seq: number };
  occurredAt: string;
}

/**
 * Moves a digest job's digest from Redis into the job's data before its first attempt (so retries send the same
 * body), then drops it from Redis. False when an earlier run of the job delivered it already.
 */
export async function sealDigestInto<T extends DigestJob>(
  store: AlertDigestStore,
  targetId: string,
  job: { data: T; update(data: T): Promise<void> },
): Promise<boolean> {
  const sealed = await store.seal(targetId, job.data.digest!.seq);
  if (!sealed) return false;
  await job.update({ ...job.data, occurredAt: new Date().toISOString(), data: sealed });
  await store.discard(targetId, job.data.digest!.seq);
  return true;
}
