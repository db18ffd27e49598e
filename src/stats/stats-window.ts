import { DomainError } from '../core/domain-error';

/** Relative periods a statistics query may name (`range=24h`): the period ending now. */
export const STATS_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

/** Timeline bucket widths. */
export const STATS_BUCKETS = ['1m', '1h', '1d'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_MS: Record<StatsRange, number> = { '1h': HOUR, '6h': 6 * HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };
export const BUCKET_MS: Record<StatsBucket, number> = { '1m': MINUTE, '1h': HOUR, '1d': DAY };
export const UNIT = { SECOND, MINUTE, HOUR, DAY } as const;

/** A timeline answers at most this many buckets; a finer bucket over a longer period is refused (400). */
export const MAX_TIMELINE_BUCKETS = 2000;
/** Longest explicit period (`from` / `to`) any statistics query accepts. */
export const MAX_SPAN_MS = 400 * DAY;

export interface PeriodQuery {
  range?: StatsRange;
  from?: string;
  to?: string;
}

/** A half-open period [from, to) on UTC boundaries of the unit it was aligned to. */
export interface StatsWindow {
  from: Date;
  to: Date;
}

export function floorTo(t: number, unit: number): number {
  return Math.floor(t / unit) * unit;
}

export function ceilTo(t: number, unit: number): number {
  return Math.ceil(t / unit) * unit;
}

/**
 * The period of a query, widened to whole `unit`s (UTC-aligned: minutes, hours or days since the epoch):
 * - `range` (default `defaultRange`): every unit that overlaps the last `range` up to now, the current (still
 *   filling) unit included: from = floor(now − range), to = floor(now) + unit;
 * - `from` [/ `to`, default now]: from = floor(from), to = ceil(to), `to` exclusive.
 * `range` and `from` / `to` exclude each other; errors name the parameter.
 */
export function resolveWindow(q: PeriodQuery, now: Date, unit: number, defaultRange: StatsRange = '24h'): StatsWindow {
  if (q.range && (q.from || q.to)) {
    throw DomainError.validation([{ field: 'range', reason: 'give either range or from/to, not both' }]);
  }
  if (q.to && !q.from) throw DomainError.validation([{ field: 'from', reason: 'is required when to is given' }]);
  if (!q.from) {
    const span = RANGE_MS[q.range ?? defaultRange];
    return { from: new Date(floorTo(now.getTime() - span, unit)), to: new Date(floorTo(now.getTime(), unit) + unit) };
  }
  const from = Date.parse(q.from);
  const to = q.to ? Date.parse(q.to) : now.getTime();
  if (!(to > from)) throw DomainError.validation([{ field: 'to', reason: 'must be after from' }]);
  if (to - from > MAX_SPAN_MS) {
    throw DomainError.validation([{ field: 'from', reason: `the period may span at most ${MAX_SPAN_MS / DAY} days` }]);
  }
  return { from: new Date(floorTo(from, unit)), to: new Date(ceilTo(to, unit)) };
}

/**
 * The period of a query to the second: `range` is the last `range` up to now (`to` = now rounded up to the next
 * second, exclusive; `from` = `to` − range); `from` / `to` are taken to the second (`from` rounded down, `to` up).
 */
export function resolveExactWindow(q: PeriodQuery, now: Date): StatsWindow {
  if (q.from || q.to) return resolveWindow(q, now, UNIT.SECOND);
  const w = resolveWindow(q, now, UNIT.SECOND);
  return { from: new Date(w.to.getTime() - RANGE_MS[q.range ?? '24h']), to: w.to };
}

/** The bucket a timeline uses when none is given: minutes up to 6 hours, hours up to 7 days, then days. */
export function defaultBucket(q: PeriodQuery, now: Date): StatsBucket {
  const span = q.from ? (q.to ? Date.parse(q.to) : now.getTime()) - Date.parse(q.from) : RANGE_MS[q.range ?? '24h'];
  if (span <= 6 * HOUR) return '1m';
  if (span <= 7 * DAY) return '1h';
  return '1d';
}

export interface TimelineWindow extends StatsWindow {
  bucket: StatsBucket;
  buckets: number;
}

/** The timeline's bucket and period (whole buckets), refused when it would hold more than MAX_TIMELINE_BUCKETS. */
export function resolveTimelineWindow(q: PeriodQuery & { bucket?: StatsBucket }, now: Date): TimelineWindow {
  const bucket = q.bucket ?? defaultBucket(q, now);
  const window = resolveWindow(q, now, BUCKET_MS[bucket]);
  const buckets = (window.to.getTime() - window.from.getTime()) / BUCKET_MS[bucket];
  if (buckets > MAX_TIMELINE_BUCKETS) {
    throw DomainError.validation([
      { field: 'bucket', reason: `${buckets} buckets of ${bucket} exceed the maximum of ${MAX_TIMELINE_BUCKETS}: use a wider bucket or a shorter period` },
    ]);
  }
  return { ...window, bucket, buckets };
}

/** A stable text for cache keys. */
export function windowKey(w: StatsWindow): string {
  return `${w.from.getTime()}-${w.to.getTime()}`;
}
