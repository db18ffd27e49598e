import { goDuration } from './go-duration';

describe('goDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [250, '250ms'],
    [-999, '-999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1050, '1.05s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [61_000, '1m1s'],
    [3_600_000, '1h0m0s'],
    [14_398_500, '3h59m58.5s'],
    [-2_500, '-2.5s'],
    [-3_661_000, '-1h1m1s'],
    [87_600 * 3_600_000, '87600h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });

  it('rounds to the millisecond', () => {
    expect(goDuration(1234.4)).toBe('1.234s');
    expect(goDuration(0.4)).toBe('0s');
  });
});
