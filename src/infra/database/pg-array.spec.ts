import { pgArray } from './pg-array';

describe('pgArray', () => {
  it('writes plain elements as they are and quotes the rest', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray([1, -2.5, 1e-7, null, '198.18.0.1', '2001:db8::1', 'DDoS'])).toBe('{1,-2.5,1e-7,NULL,198.18.0.1,2001:db8::1,DDoS}');
    expect(pgArray(['DoS Hulk', 'Web Attack – XSS', '', 'a,b', '{x}', 'say "hi"', 'back\\slash'])).toBe(
      '{"DoS Hulk","Web Attack – XSS","","a,b","{x}","say \\"hi\\"","back\\\\slash"}',
    );
    expect(pgArray([new Date('2026-11-21T18:00:00.123+01:00')])).toBe('{2026-11-21T17:00:00.123Z}');
  });

  it('keeps the text "null" apart from NULL', () => {
    expect(pgArray(['null', 'NULL', null])).toBe('{"null","NULL",NULL}');
  });

  it('throws for an invalid date', () => {
    expect(() => pgArray([new Date(NaN)])).toThrow(RangeError);
  });
});
