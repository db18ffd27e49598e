const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03',
]);
// PostgreSQL (pg) and Redis (ioredis: no connection and no offline queue, or the command's reconnection attempts
// used up while the server is unreachable)
const UNAVAILABLE_MESSAGES = new RegExp(
  [
    'Connection terminated', 'timeout exceeded when trying to connect', 'Connection refused', "Stream isn't writeable",
    'connection is closed', 'Client has encountered a connection error', 'max retries per request limit',
  ].join('|'),
  'i',
);

/** An error that means PostgreSQL or Redis is unreachable (a 503 with Retry-After, not a 500). */
export function isDependencyUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const codes = [(e as { code?: unknown }).code, (e as { driverError?: { code?: unknown } }).driverError?.code];
  if (codes.some((c) => typeof c === 'string' && (UNAVAILABLE_CODES.has(c) || c.startsWith('08')))) return true;
  return UNAVAILABLE_MESSAGES.test(e.message);
}
