import { DomainError } from '../core/domain-error';
import { defaultBucket, MAX_TIMELINE_BUCKETS, resolveExactWindow, resolveTimelineWindow, resolveWindow, UNIT } from './stats-window';

const now = new Date('2026-11-20T10:30:15.500Z');
const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).details[0]?.field;
  }
  return undefined;
}

describe('resolveWindow', () => {
  it('widens a range to whole units, the current unit included', () => {
    expect(iso(resolveWindow({ range: '1h' }, now, UNIT.MINUTE))).toEqual(['2026-11-20T09:30:00.000Z', '2026-11-20T10:31:00.000Z']);
    expect(iso(resolveWindow({ range: '24h' }, now, UNIT.HOUR))).toEqual(['2026-11-19T10:00:00.000Z', '2026-11-20T11:00:00.000Z']);
    expect(iso(resolveWindow({}, now, UNIT.DAY))).toEqual(['2026-11-19T00:00:00.000Z', '2026-11-21T00:00:00.000Z']);
  });

  it('floors from and rounds to up, to staying exclusive', () => {
    expect(iso(resolveWindow({ from: '2026-11-01T00:00:00Z', to: '2026-11-01T02:00:00Z' }, now, UNIT.HOUR))).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T02:00:00.000Z',
    ]);
    expect(iso(resolveWindow({ from: '2026-11-01T00:10:00Z', to: '2026-11-01T01:00:01Z' }, now, UNIT.HOUR))).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T02:00:00.000Z',
    ]);
    expect(iso(resolveWindow({ from: '2026-11-20T10:00:00+02:00' }, now, UNIT.MINUTE))).toEqual(['2026-11-20T08:00:00.000Z', '2026-11-20T10:31:00.000Z']);
  });

  it('refuses mixed, inverted, incomplete or too long periods, naming the parameter', () => {
    expect(fieldOf(() => resolveWindow({ range: '1h', from: '2026-11-01T00:00:00Z' }, now, UNIT.MINUTE))).toBe('range');
    expect(fieldOf(() => resolveWindow({ to: '2026-11-01T00:00:00Z' }, now, UNIT.MINUTE))).toBe('from');
    expect(fieldOf(() => resolveWindow({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now, UNIT.MINUTE))).toBe('to');
    expect(fieldOf(() => resolveWindow({ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now, UNIT.DAY))).toBe('from');
  });
});

describe('resolveTimelineWindow', () => {
  it('picks a bucket for the span when none is given', () => {
    expect(defaultBucket({ range: '6h' }, now)).toBe('1m');
    expect(defaultBucket({ range: '24h' }, now)).toBe('1h');
    expect(defaultBucket({ range: '7d' }, now)).toBe('1h');
    expect(defaultBucket({ range: '30d' }, now)).toBe('1d');
  });

  it('counts whole buckets and refuses more than the maximum on `bucket`', () => {
    expect(resolveTimelineWindow({ range: '24h', bucket: '1h' }, now).buckets).toBe(25);
    expect(resolveTimelineWindow({ range: '30d', bucket: '1d' }, now).buckets).toBe(31);
    expect(resolveTimelineWindow({ range: '24h', bucket: '1m' }, now).buckets).toBe(1441);
    expect(fieldOf(() => resolveTimelineWindow({ range: '7d', bucket: '1m' }, now))).toBe('bucket');
    const exact = { from: '2026-01-01T00:00:00Z', to: new Date(Date.parse('2026-01-01T00:00:00Z') + MAX_TIMELINE_BUCKETS * 60_000).toISOString() };
    expect(resolveTimelineWindow({ ...exact, bucket: '1m' }, now).buckets).toBe(MAX_TIMELINE_BUCKETS);
  });
});

describe('resolveExactWindow', () => {
  it('covers exactly the range up to now (to the second), and explicit bounds to the second', () => {
    const at = new Date('2026-03-04T10:17:42.250Z');
    expect(resolveExactWindow({ range: '1h' }, at)).toEqual({ from: new Date('2026-03-04T09:17:43Z'), to: new Date('2026-03-04T10:17:43Z') });
    expect(resolveExactWindow({}, at).from).toEqual(new Date('2026-03-03T10:17:43Z'));
    expect(resolveExactWindow({ from: '2026-03-04T09:30:10.500Z', to: '2026-03-04T10:00:00.100Z' }, at)).toEqual({
      from: new Date('2026-03-04T09:30:10Z'),
      to: new Date('2026-03-04T10:00:01Z'),
    });
  });
});
