import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { formatIpv6, isIpv4MappedBytes, maskBytes, parseIpv4Bytes, parseIpv6Bytes } from './ip-bytes';
import { parseTarget } from './ip-target';

const ipv6Bytes = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => [...b]);
/** Many zero groups, so the `::` placement rules get exercised. */
const sparseIpv6Bytes = fc
  .array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xdb8), { minLength: 8, maxLength: 8 })
  .map((words) => words.flatMap((w) => [w >> 8, w & 0xff]));

describe('IPv6 formatting agrees with ipaddr.js (RFC 5952)', () => {
  it('for random and sparse addresses', () => {
    fc.assert(
      fc.property(fc.oneof(ipv6Bytes, sparseIpv6Bytes), (bytes) => {
        fc.pre(!isIpv4MappedBytes(bytes));
        const expected = (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
        expect(formatIpv6(bytes)).toBe(expected);
        expect(parseIpv6Bytes(expected)).toEqual(bytes);
        expect(parseTarget(expected).canonical).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('and the full and the uncompressed spellings parse to the same bytes', () => {
    fc.assert(
      fc.property(ipv6Bytes, (bytes) => {
        const address = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
        const full = address.parts.map((w) => w.toString(16).padStart(4, '0').toUpperCase()).join(':');
        expect(parseIpv6Bytes(full)).toEqual(bytes);
        expect(parseIpv6Bytes(address.toNormalizedString())).toEqual(bytes);
      }),
    );
  });
});

describe('IPv4 round trip', () => {
  it('every dotted quad parses to its bytes and back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (bytes) => {
        expect(parseIpv4Bytes(bytes.join('.'))).toEqual(bytes);
        expect(parseTarget(bytes.join('.')).canonical).toBe(bytes.join('.'));
      }),
    );
  });
});

describe('maskBytes', () => {
  it('agrees with ipaddr.js network address for every prefix length', () => {
    fc.assert(
      fc.property(ipv6Bytes, fc.integer({ min: 0, max: 128 }), (bytes, prefix) => {
        fc.pre(!isIpv4MappedBytes(bytes));
        const address = ipaddr.fromByteArray(bytes).toString();
        const network = ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`).toByteArray();
        expect(maskBytes(bytes, prefix)).toEqual(network);
      }),
    );
  });
});
