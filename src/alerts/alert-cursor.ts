import { DomainError } from '../core/domain-error';
import { RiskLevel } from './alert.entity';

export enum AlertSort {
  CREATED_AT = 'created_at',
  LAST_SEEN = 'last_seen',
  RISK_LEVEL = 'risk_level',
  CONFIDENCE = 'confidence',
}

export type SortOrder = 'asc' | 'desc';

/**
 * Where a page ended: the sort key of its last alert, exactly as the database holds it (timestamps to the
 * microsecond, reals in their shortest exact spelling), and that alert's id as the tie-breaker. Sorting by risk
 * orders by (risk_level, created_at, id), so its key has two parts.
 */
export interface AlertCursor {
  sort: AlertSort;
  order: SortOrder;
  keys: string[];
  id: string;
}

export const MAX_CURSOR_LENGTH = 512;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;
/** Bigint ids as the API accepts them (BigIntIdPipe): at most 18 digits, always within bigint. */
const ID = /^[1-9][0-9]{0,17}$/;
const RISK_LEVELS: readonly string[] = Object.values(RiskLevel);
const REAL_MIN = 1e-45;
const REAL_MAX = 3.4028235e38;

/** A real UTC time PostgreSQL accepts (no month 13, no year 0), to the microsecond. */
function isTimestamp(v: string): boolean {
  if (!TIMESTAMP.test(v) || v.startsWith('0000')) return false;
  const d = new Date(`${v.slice(0, 23)}Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 23) === v.slice(0, 23);
}

/** A value a `real` column can hold, in PostgreSQL's spelling (out-of-range text would fail the cast). */
function isReal(v: string): boolean {
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return true;
  if (!DECIMAL.test(v)) return false;
  const n = Math.abs(Number(v));
  return n === 0 || (n >= REAL_MIN && n <= REAL_MAX);
}

const KEY_SHAPES: Record<AlertSort, ((v: string) => boolean)[]> = {
  [AlertSort.CREATED_AT]: [isTimestamp],
  [AlertSort.LAST_SEEN]: [isTimestamp],
  [AlertSort.CONFIDENCE]: [isReal],
  [AlertSort.RISK_LEVEL]: [(v) => RISK_LEVELS.includes(v), isTimestamp],
};

/** An opaque, URL-safe token. */
export function encodeAlertCursor(cursor: AlertCursor): string {
  const body = { s: cursor.sort, o: cursor.order, k: cursor.keys, i: cursor.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

const invalid = (reason: string) => DomainError.validation([{ field: 'cursor', reason }]);

function parse(raw: string): Record<string, unknown> {
  if (raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid('is not a cursor returned by this API');
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid('is not a cursor returned by this API');
}

/**
 * Reads a cursor for a list sorted by `sort` / `order`. A cursor from another sort or order, or one that was
 * tampered with, is a 400 naming `cursor`: it would otherwise skip or repeat alerts.
 */
export function decodeAlertCursor(raw: string, sort: AlertSort, order: SortOrder): AlertCursor {
  const { s, o, k, i } = parse(raw);
  if (s !== sort || o !== order) throw invalid(`belongs to another sort or order; start again without it`);
  const shapes = KEY_SHAPES[sort];
  const keys = Array.isArray(k) ? k : [];
  const wellFormed =
    typeof i === 'string' && ID.test(i) && keys.length === shapes.length && keys.every((v, n) => typeof v === 'string' && shapes[n](v));
  if (!wellFormed) throw invalid('is not a cursor returned by this API');
  return { sort, order, keys: keys as string[], id: i as string };
}
