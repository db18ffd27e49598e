import { DomainError } from '../core/domain-error';
import { AlertCursor, AlertSort, decodeAlertCursor, encodeAlertCursor } from './alert-cursor';

const cursors: AlertCursor[] = [
  { sort: AlertSort.CREATED_AT, order: 'desc', keys: ['2026-01-02T03:04:05.123456Z'], id: '42' },
  { sort: AlertSort.LAST_SEEN, order: 'asc', keys: ['1999-12-31T23:59:59.000001Z'], id: '999999999999999999' },
  { sort: AlertSort.CONFIDENCE, order: 'asc', keys: ['-Infinity'], id: '5' },
  { sort: AlertSort.CONFIDENCE, order: 'desc', keys: ['0.97'], id: '1' },
  { sort: AlertSort.CONFIDENCE, order: 'asc', keys: ['1e-07'], id: '7' },
  { sort: AlertSort.RISK_LEVEL, order: 'desc', keys: ['critical', '2026-01-02T03:04:05.000000Z'], id: '3' },
];

function rejection(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, details: error.details } : error;
  }
  return 'accepted';
}

describe('alert cursor', () => {
  it.each(cursors)('round-trips %j through an opaque URL-safe token', (cursor) => {
    const token = encodeAlertCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAlertCursor(token, cursor.sort, cursor.order)).toEqual(cursor);
  });

  it('refuses a cursor of another sort or order (it would skip or repeat alerts)', () => {
    const token = encodeAlertCursor(cursors[0]);
    for (const [sort, order] of [[AlertSort.LAST_SEEN, 'desc'], [AlertSort.CREATED_AT, 'asc']] as const) {
      expect(rejection(() => decodeAlertCursor(token, sort, order))).toEqual({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'cursor', reason: expect.stringMatching(/another sort or order/) }],
      });
    }
  });

  const forge = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

  const ts = '2026-01-02T03:04:05.123456Z';
  it.each([
    ['garbage', AlertSort.CREATED_AT, 'not a cursor!'],
    ['not base64 JSON', AlertSort.CREATED_AT, 'aGVsbG8'],
    ['a JSON array', AlertSort.CREATED_AT, forge([1, 2])],
    ['a bad id', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: [ts], i: '0' })],
    ['a numeric id', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: [ts], i: 42 })],
    ['a millisecond timestamp', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: ['2026-01-02T03:04:05.123Z'], i: '1' })],
    ['SQL in the key', AlertSort.CONFIDENCE, forge({ s: 'confidence', o: 'desc', k: ['1); DROP TABLE alerts; --'], i: '1' })],
    ['an unknown risk level', AlertSort.RISK_LEVEL, forge({ s: 'risk_level', o: 'desc', k: ['severe', ts], i: '1' })],
    ['a missing key part', AlertSort.RISK_LEVEL, forge({ s: 'risk_level', o: 'desc', k: ['high'], i: '1' })],
    ['an oversized token', AlertSort.CREATED_AT, 'A'.repeat(600)],
    ['an id beyond bigint', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: [ts], i: '9223372036854775808' })],
    ['month 13', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: ['2026-13-02T03:04:05.123456Z'], i: '1' })],
    ['February 30', AlertSort.CREATED_AT, forge({ s: 'created_at', o: 'desc', k: ['2026-02-30T03:04:05.123456Z'], i: '1' })],
    ['year 0', AlertSort.LAST_SEEN, forge({ s: 'last_seen', o: 'desc', k: ['0000-01-01T00:00:00.000000Z'], i: '1' })],
    ['a real out of range', AlertSort.CONFIDENCE, forge({ s: 'confidence', o: 'desc', k: ['1e99'], i: '1' })],
    ['a real that underflows', AlertSort.CONFIDENCE, forge({ s: 'confidence', o: 'desc', k: ['1e-50'], i: '1' })],
  ])('refuses %s with a 400 naming the cursor', (_what, sort, token) => {
    expect(rejection(() => decodeAlertCursor(token, sort, 'desc'))).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'cursor', reason: expect.any(String) }],
    });
  });
});
