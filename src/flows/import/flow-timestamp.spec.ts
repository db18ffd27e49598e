import { FlowTimestampParser } from './flow-timestamp';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('FlowTimestampParser', () => {
  const utcMonthFirst = new FlowTimestampParser({ dayFirst: false });

  it('reads CIC-IDS2017 timestamps month first, as UTC without a zone', () => {
    expect(iso(utcMonthFirst.parse('7/7/2017 9:00'))).toBe('2017-07-07T09:00:00.000Z');
    expect(iso(utcMonthFirst.parse('07/03/2017 08:59:50'))).toBe('2017-07-03T08:59:50.000Z');
    expect(iso(utcMonthFirst.parse('13/07/2017 08:59'))).toBe('2017-07-13T08:59:00.000Z');
    expect(iso(utcMonthFirst.parse('7/7/2017 3:30 PM'))).toBe('2017-07-07T15:30:00.000Z');
  });

  it('reads the corrected meter timestamps with their microseconds', () => {
    expect(iso(utcMonthFirst.parse('2017-07-07 18:08:57.763666'))).toBe('2017-07-07T18:08:57.763Z');
    expect(iso(utcMonthFirst.parse('2017-07-07T18:08:57+02:00'))).toBe('2017-07-07T16:08:57.000Z');
  });

  it('reads CSE-CIC-IDS2018 timestamps day first', () => {
    const parser = new FlowTimestampParser({ dayFirst: true });
    expect(iso(parser.parse('02/03/2018 08:47:38'))).toBe('2018-03-02T08:47:38.000Z');
    expect(iso(parser.parse('15/02/2018 10:30:00'))).toBe('2018-02-15T10:30:00.000Z');
  });

  it('places local times in the given zone, summer and winter', () => {
    // CIC-IDS2017 was captured in New Brunswick (Atlantic time: UTC-3 in July)
    const halifax = new FlowTimestampParser({ dayFirst: false, timeZone: 'America/Halifax' });
    expect(iso(halifax.parse('7/7/2017 9:00'))).toBe('2017-07-07T12:00:00.000Z');
    expect(iso(halifax.parse('2017-07-07 18:08:57.763666'))).toBe('2017-07-07T21:08:57.763Z');
    expect(iso(halifax.parse('1/16/2017 9:00'))).toBe('2017-01-16T13:00:00.000Z');
    const berlin = new FlowTimestampParser({ dayFirst: true, timeZone: 'Europe/Berlin' });
    expect(iso(berlin.parse('15/02/2018 10:30:00'))).toBe('2018-02-15T09:30:00.000Z');
    expect(iso(berlin.parse('15/07/2018 10:30:00'))).toBe('2018-07-15T08:30:00.000Z');
  });

  it('gives null for text that is not a timestamp or an impossible date', () => {
    for (const text of ['', 'yesterday', '2/30/2017 9:00', '7/7/2017 25:00', '2017-13-01 00:00:00', undefined]) {
      expect(utcMonthFirst.parse(text)).toBeNull();
    }
  });
});
