import { NetParseError, NetParseReason } from './net.errors';
import fc from 'fast-check';
import { canonicalIpv4Value, isCanonicalIpv4, parseCidr, parseIp, parseTarget, tryParseTarget } from './ip-target';

function reasonOf(fn: () => unknown): NetParseReason | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (error instanceof NetParseError) return error.reason;
    throw error;
  }
}

describe('parseTarget: accepted spellings and their canonical form', () => {
  const table: [string, 4 | 6, string, number, string][] = [
    // input, family, address, prefix, canonical
    ['1.2.3.4', 4, '1.2.3.4', 32, '1.2.3.4'],
    ['0.0.0.0', 4, '0.0.0.0', 32, '0.0.0.0'],
    ['255.255.255.255', 4, '255.255.255.255', 32, '255.255.255.255'],
    ['198.18.0.2/32', 4, '198.18.0.2', 32, '198.18.0.2'],
    ['10.0.0.0/8', 4, '10.0.0.0', 8, '10.0.0.0/8'],
    ['10.1.2.3/8', 4, '10.0.0.0', 8, '10.0.0.0/8'],
    ['192.168.7.200/30', 4, '192.168.7.200', 30, '192.168.7.200/30'],
    ['192.168.7.203/30', 4, '192.168.7.200', 30, '192.168.7.200/30'],
    ['0.0.0.0/0', 4, '0.0.0.0', 0, '0.0.0.0/0'],
    ['2001:DB8::1', 6, '2001:db8::1', 128, '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, '2001:db8::1', 128, '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1', 128, '2001:db8::1:0:0:1'],
    ['2001:db8::1:0:0:0:1', 6, '2001:db8:0:1::1', 128, '2001:db8:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', 6, '2001:db8:0:1:1:1:1:1', 128, '2001:db8:0:1:1:1:1:1'],
    ['::', 6, '::', 128, '::'],
    ['::1', 6, '::1', 128, '::1'],
    ['1::', 6, '1::', 128, '1::'],
    ['1:2:3:4:5:6:7::', 6, '1:2:3:4:5:6:7:0', 128, '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', 6, '0:2:3:4:5:6:7:8', 128, '0:2:3:4:5:6:7:8'],
    ['2001:db8::/32', 6, '2001:db8::', 32, '2001:db8::/32'],
    ['2001:db8:ffff::1/32', 6, '2001:db8::', 32, '2001:db8::/32'],
    ['2001:db8::1/127', 6, '2001:db8::', 127, '2001:db8::/127'],
    ['::/0', 6, '::', 0, '::/0'],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::c000:221', 128, '64:ff9b::c000:221'],
    ['::1.2.3.4', 6, '::102:304', 128, '::102:304'],
  ];

  it.each(table)('%s → %s %s/%s (%s)', (input, family, address, prefix, canonical) => {
    expect(parseTarget(input)).toEqual({ family, address, prefix, canonical });
  });

  it('returns frozen values', () => {
    expect(Object.isFrozen(parseTarget('1.2.3.4'))).toBe(true);
  });

  it('is idempotent: the canonical form parses to itself', () => {
    for (const [input] of table) {
      const once = parseTarget(input);
      expect(parseTarget(once.canonical)).toEqual(once);
    }
  });
});

describe('IPv4-mapped IPv6 is folded into IPv4', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:0102:0304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:198.18.0.2', '198.18.0.2'],
    ['::ffff:1.2.3.0/120', '1.2.3.0/24'],
    ['::ffff:1.2.3.4/96', '0.0.0.0/0'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
  ])('%s → %s', (input, canonical) => {
    const target = parseTarget(input);
    expect([target.family, target.canonical]).toEqual([4, canonical]);
  });

  it('keeps a network wider than the mapped block as IPv6', () => {
    expect(parseTarget('::ffff:1.2.3.4/80')).toEqual({ family: 6, address: '::', prefix: 80, canonical: '::/80' });
  });
});

describe('parseTarget: rejected spellings and the reason given', () => {
  const table: [unknown, NetParseReason][] = [
    [undefined, NetParseReason.NOT_A_STRING],
    [null, NetParseReason.NOT_A_STRING],
    [16909060, NetParseReason.NOT_A_STRING],
    [['1.2.3.4'], NetParseReason.NOT_A_STRING],
    ['', NetParseReason.EMPTY],
    ['1.2.3', NetParseReason.MALFORMED_IPV4],
    ['1.2.3.4.5', NetParseReason.MALFORMED_IPV4],
    ['127.1', NetParseReason.MALFORMED_IPV4],
    ['2130706433', NetParseReason.MALFORMED_IPV4],
    ['256.1.1.1', NetParseReason.MALFORMED_IPV4],
    ['1.2.3.1000', NetParseReason.MALFORMED_IPV4],
    ['01.2.3.4', NetParseReason.MALFORMED_IPV4],
    ['1.2.3.00', NetParseReason.MALFORMED_IPV4],
    ['1..3.4', NetParseReason.MALFORMED_IPV4],
    ['1.2.3.4.', NetParseReason.MALFORMED_IPV4],
    ['a.b.c.d', NetParseReason.MALFORMED_IPV4],
    ['1.2.3.4/', NetParseReason.MALFORMED_PREFIX],
    ['1.2.3.4/08', NetParseReason.MALFORMED_PREFIX],
    ['1.2.3.4/8/8', NetParseReason.MALFORMED_PREFIX],
    ['1.2.3.4/33', NetParseReason.PREFIX_OUT_OF_RANGE],
    ['2001:db8::/129', NetParseReason.PREFIX_OUT_OF_RANGE],
    ['1.2.3.4/1000', NetParseReason.MALFORMED_PREFIX],
    ['/8', NetParseReason.MALFORMED_IPV4],
    ['2001:db8::1::1', NetParseReason.MALFORMED_IPV6],
    ['2001:db8:1', NetParseReason.MALFORMED_IPV6],
    ['1:2:3:4:5:6:7:8:9', NetParseReason.MALFORMED_IPV6],
    ['1:2:3:4::5:6:7:8', NetParseReason.MALFORMED_IPV6],
    ['12345::1', NetParseReason.MALFORMED_IPV6],
    [':1::1', NetParseReason.MALFORMED_IPV6],
    ['1::1:', NetParseReason.MALFORMED_IPV6],
    [':::', NetParseReason.MALFORMED_IPV6],
    ['::1.2.3', NetParseReason.MALFORMED_IPV6],
    ['::1.2.3.4:1', NetParseReason.MALFORMED_IPV6],
    ['1.2.3.4::', NetParseReason.MALFORMED_IPV6],
    ['::ffff:010.0.0.1', NetParseReason.MALFORMED_IPV6],
    ['fe80::1%eth0', NetParseReason.ZONE_ID],
    ['fe80::1%1', NetParseReason.ZONE_ID],
    ['1.2.3.4 ', NetParseReason.INVALID_CHARACTER],
    [' 1.2.3.4', NetParseReason.INVALID_CHARACTER],
    ['1.2.3.4\n', NetParseReason.INVALID_CHARACTER],
    ['[::1]', NetParseReason.INVALID_CHARACTER],
    ['1.2.3.4:80', NetParseReason.MALFORMED_IPV6],
  ];

  it.each(table)('%p → %s', (input, reason) => {
    expect(reasonOf(() => parseTarget(input))).toBe(reason);
  });
});

describe('parseIp / parseCidr prefix rules', () => {
  it('parseIp refuses a prefix, even /32', () => {
    expect(reasonOf(() => parseIp('1.2.3.4/32'))).toBe(NetParseReason.PREFIX_NOT_ALLOWED);
    expect(parseIp('1.2.3.4').canonical).toBe('1.2.3.4');
  });

  it('parseCidr requires a prefix', () => {
    expect(reasonOf(() => parseCidr('1.2.3.4'))).toBe(NetParseReason.PREFIX_REQUIRED);
    expect(parseCidr('1.2.3.4/32').canonical).toBe('1.2.3.4');
  });

  it('names the field in the error details', () => {
    const error = (() => {
      try {
        parseIp('nope', 'sourceIp');
      } catch (e) {
        return e as NetParseError;
      }
    })();
    expect(error?.details).toEqual([{ field: 'sourceIp', reason: NetParseReason.INVALID_CHARACTER }]);
    expect(error?.code).toBe('VALIDATION_FAILED');
  });
});

describe('tryParseTarget', () => {
  it('returns the value or the error instead of throwing', () => {
    expect(tryParseTarget('1.2.3.4')).toEqual({ ok: true, value: parseTarget('1.2.3.4') });
    const bad = tryParseTarget('1.2.3.4;');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.reason).toBe(NetParseReason.INVALID_CHARACTER);
  });
});

describe('isCanonicalIpv4', () => {
  const parsedAddress = (text: string) => {
    const r = tryParseTarget(text);
    return r.ok && r.value.prefix === 32 ? r.value.address : null;
  };

  it('holds exactly for the IPv4 addresses parseIp returns unchanged', () => {
    const accepted = ['0.0.0.0', '1.2.3.4', '198.18.255.31', '255.255.255.255', '10.0.0.1', '100.200.250.199'];
    const refused = [
      '', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1.2.3.256', '1.2.3.4 ', ' 1.2.3.4', '1..3.4', '.1.2.3', '1.2.3.',
      '1.2.3.4/32', '::ffff:1.2.3.4', '1.2.3.-4', '1.2.3.+4', '１.2.3.4', '1.2.3.4\u0000', '1111.2.3.4', '1.2.3.4444', '0x7f.0.0.1',
    ];
    for (const text of accepted) expect([text, isCanonicalIpv4(text)]).toEqual([text, true]);
    const value = (text: string) => text.split('.').reduce((v, octet) => v * 256 + Number(octet), 0);
    for (const text of accepted) expect([text, canonicalIpv4Value(text)]).toEqual([text, value(text)]);
    expect(canonicalIpv4Value('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const text of refused) expect([text, isCanonicalIpv4(text), canonicalIpv4Value(text)]).toEqual([text, false, -1]);
  });

  it('agrees with the parser on random dotted strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9.]{0,4}$/)), { minLength: 1, maxLength: 6 }),
        (parts) => {
          const text = parts.join('.');
          expect(isCanonicalIpv4(text)).toBe(parsedAddress(text) === text);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
