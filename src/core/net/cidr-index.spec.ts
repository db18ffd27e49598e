import fc from 'fast-check';
import { CidrIndex } from './cidr-index';
import { overlaps } from './ip-ranges';
import { ParsedTarget, parseTarget } from './ip-target';

const t = (text: string) => parseTarget(text);

describe('CidrIndex', () => {
  it('finds a wider or a narrower stored network, never the target itself', () => {
    const index = new CidrIndex([t('10.0.0.0/8'), t('192.168.1.7'), t('2001:db8::/32')]);
    expect(index.findOverlap(t('10.1.2.3'))?.canonical).toBe('10.0.0.0/8');
    expect(index.findOverlap(t('192.168.0.0/16'))?.canonical).toBe('192.168.1.7');
    expect(index.findOverlap(t('2001:db8:1::1'))?.canonical).toBe('2001:db8::/32');
    expect(index.findOverlap(t('10.0.0.0/8'))).toBeUndefined();
    expect(index.findOverlap(t('11.0.0.0/8'))).toBeUndefined();
    expect(index.findOverlap(t('::ffff:10.0.0.1'))?.canonical).toBe('10.0.0.0/8');
    expect([index.size, index.has(t('192.168.1.7')), index.has(t('192.168.1.8'))]).toEqual([3, true, false]);
  });

  it('sees entries added after a lookup warmed its cache', () => {
    const index = new CidrIndex([t('10.0.0.1')]);
    expect(index.findOverlap(t('10.0.0.0/24'))?.canonical).toBe('10.0.0.1');
    expect(index.findOverlap(t('10.0.1.0/24'))).toBeUndefined();
    index.add(t('10.0.1.9'));
    expect(index.findOverlap(t('10.0.1.0/24'))?.canonical).toBe('10.0.1.9');
  });

  it('agrees with pairwise overlaps() on random IPv4 networks', () => {
    const target = fc
      .tuple(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 24, max: 32 }))
      .map(([bytes, prefix]) => parseTarget(`10.0.${bytes[2]}.${bytes[3] * 64}/${prefix}`));
    fc.assert(
      fc.property(fc.array(target, { maxLength: 12 }), target, (stored: ParsedTarget[], probe: ParsedTarget) => {
        const index = new CidrIndex(stored);
        const expected = stored.some((s) => s.canonical !== probe.canonical && overlaps(s, probe));
        expect(index.findOverlap(probe) !== undefined).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('indexes 10,000 hosts and answers a network lookup quickly', () => {
    const hosts = Array.from({ length: 10_000 }, (_, i) => t(`198.18.${i >> 8}.${i & 255}`));
    const index = new CidrIndex(hosts);
    expect(index.findOverlap(t('198.18.39.0/24'))?.canonical).toMatch(/^198\.18\.39\./);
    expect(index.findOverlap(t('198.19.0.0/16'))).toBeUndefined();
  });
});
