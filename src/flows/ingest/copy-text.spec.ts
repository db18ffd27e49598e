import { floatArray, num, NULL, text, timestamp } from './copy-text';

describe('COPY text encoding', () => {
  it('escapes the characters that would break a row', () => {
    expect(text('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(text(null)).toBe(NULL);
  });

  it('writes the special float values PostgreSQL accepts', () => {
    expect([NaN, Infinity, -Infinity, 1.5, 0].map(num)).toEqual(['NaN', 'Infinity', '-Infinity', '1.5', '0']);
    expect(floatArray(new Float64Array([1, NaN, Infinity]))).toBe('{1,NaN,Infinity}');
    expect(floatArray(null)).toBe(NULL);
  });

  it('writes timestamps in ISO form', () => {
    expect(timestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z');
    expect(timestamp(null)).toBe(NULL);
  });
});
