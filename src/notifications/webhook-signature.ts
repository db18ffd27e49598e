import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  EVENT: 'X-IDS-Event',
  DELIVERY: 'X-IDS-Delivery',
  TIMESTAMP: 'X-IDS-Timestamp',
  SIGNATURE: 'X-IDS-Signature',
  ATTEMPT: 'X-IDS-Attempt',
} as const;

/** How far a receiver should let X-IDS-Timestamp drift from its clock before refusing (replay window). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * `sha256=` + hex HMAC-SHA256, keyed with the webhook's secret, of `<timestamp>.<raw body>` where timestamp is
 * the X-IDS-Timestamp header (Unix seconds). Signing the timestamp with the body lets a receiver refuse a
 * captured request replayed later; X-IDS-Delivery (the same on every retry) lets it ignore duplicates.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute, compare in constant time, and refuse stale timestamps. */
export function verifyWebhookSignature(
  secret: string,
  timestampHeader: string | undefined,
  body: string,
  signatureHeader: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!timestampHeader || !signatureHeader || !/^\d{1,12}$/.test(timestampHeader)) return false;
  const timestamp = Number(timestampHeader);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
