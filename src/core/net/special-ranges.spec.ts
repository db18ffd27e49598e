import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseTarget } from './ip-target';
import { IPV4_EMBEDDINGS, SPECIAL_RANGES, specialPurposeOf } from './special-ranges';

const verdict = (text: string) => {
  const hit = specialPurposeOf(parseTarget(text));
  return hit ? [hit.reason, hit.forcible ? 'forcible' : 'never'] : null;
};

describe('special-purpose range table', () => {
  it('lists every range once, never-ranges before forcible ones', () => {
    const canon = SPECIAL_RANGES.map((r) => r.cidr.canonical);
    expect(new Set(canon).size).toBe(canon.length);
    const firstForcible = SPECIAL_RANGES.findIndex((r) => r.forcible);
    expect(SPECIAL_RANGES.slice(firstForcible).every((r) => r.forcible)).toBe(true);
    expect(canon).toEqual([
      '127.0.0.0/8', '0.0.0.0/8', '224.0.0.0/4', '255.255.255.255', '::1', '::', 'ff00::/8',
      '169.254.0.0/16', '240.0.0.0/4', 'fe80::/10',
    ]);
  });

  it('reads 32 IPv4 bits from each embedding, skipping the RFC 6052 u octet', () => {
    for (const e of IPV4_EMBEDDINGS) {
      expect([e.name, e.bits.length, new Set(e.bits).size]).toEqual([e.name, 32, 32]);
      expect(e.bits.some((bit) => bit >= 64 && bit <= 71 && e.prefix.canonical.startsWith('64:ff9b'))).toBe(false);
      expect(e.bits[0]).toBeGreaterThanOrEqual(e.prefix.prefix);
    }
  });
});

describe('specialPurposeOf', () => {
  it.each([
    // the targets the audit got installed
    ['0.0.0.0', 'unspecified', 'never'],
    ['::', 'unspecified', 'never'],
    ['::127.0.0.1', 'embedded_loopback', 'never'],
    ['64:ff9b::7f00:1', 'embedded_loopback', 'never'],
    ['255.255.255.255', 'broadcast', 'never'],
    ['224.0.0.1', 'multicast', 'never'],
    ['169.254.169.254', 'link_local', 'forcible'],
    // their CIDR forms
    ['0.0.0.0/8', 'unspecified', 'never'],
    ['0.0.0.0/32', 'unspecified', 'never'],
    ['::/128', 'unspecified', 'never'],
    ['::/96', 'touches_loopback', 'never'],
    ['::127.0.0.0/104', 'embedded_loopback', 'never'],
    ['64:ff9b::7f00:0/104', 'embedded_loopback', 'never'],
    ['64:ff9b::7f00:1/128', 'embedded_loopback', 'never'],
    ['255.255.255.255/32', 'broadcast', 'never'],
    ['255.255.255.0/24', 'broadcast', 'never'],
    ['224.0.0.0/24', 'multicast', 'never'],
    ['224.0.0.0/4', 'multicast', 'never'],
    ['169.254.0.0/16', 'link_local', 'forcible'],
    ['169.254.169.254/32', 'link_local', 'forcible'],
    // networks overlapping a never-range are never blocked, whatever else they hold
    ['0.0.0.0/1', 'touches_loopback', 'never'],
    ['128.0.0.0/1', 'multicast', 'never'],
    ['240.0.0.0/4', 'broadcast', 'never'],
    ['240.0.0.0/5', 'reserved', 'forcible'],
    ['169.0.0.0/8', 'link_local', 'forcible'],
    ['ff02::1', 'multicast', 'never'],
    ['fe80::1', 'link_local', 'forcible'],
    ['::/1', 'touches_loopback', 'never'],
    ['::2', 'embedded_unspecified', 'never'],
    // embedded forms
    ['::ffff:127.0.0.1', 'touches_loopback', 'never'],
    ['64:ff9b::e000:1', 'embedded_multicast', 'never'],
    ['64:ff9b::a9fe:a9fe', 'embedded_link_local', 'forcible'],
    ['64:ff9b::/96', 'embeds_special_purpose', 'forcible'],
    ['64:ff9b::/64', 'embeds_special_purpose', 'forcible'],
    ['64:ff9b:1::7f00:1', 'embedded_loopback', 'never'],
    ['64:ff9b:1:7f00:1:100::', 'embedded_loopback', 'never'],
    ['64:ff9b:1::/48', 'embeds_special_purpose', 'forcible'],
    ['2002:7f00:1::', 'embedded_loopback', 'never'],
    ['2002:7f00::/24', 'embedded_loopback', 'never'],
    ['2002:e000::/20', 'embedded_multicast', 'never'],
    ['2002::/16', 'embeds_special_purpose', 'forcible'],
    ['2001:0:7f00:1::1', 'embedded_loopback', 'never'],
    // Teredo client 127.0.0.1 is stored inverted: 80ff:fffe
    ['2001:0:c633:6401:0:0:80ff:fffe', 'embedded_loopback', 'never'],
    ['2001::/32', 'embeds_special_purpose', 'forcible'],
    ['2000::/3', 'embeds_special_purpose', 'forcible'],
  ])('%s → %s (%s)', (text, reason, kind) => {
    expect(verdict(text)).toEqual([reason, kind]);
  });

  it.each([
    '198.51.100.7', '198.18.0.2', '10.0.0.0/8', '192.168.1.1', '100.64.0.1', '1.1.1.1', '223.255.255.255', '2001:db8::1',
    '2001:2::2', 'fd00::1', '64:ff9b::c633:6407', '64:ff9b:1::c633:6407', '2002:c633:6407::1', '2001:0:c633:6401::3f9c:9bf8',
    '::102:304', '126.0.0.0/8', '128.0.0.0/3', '2600::/12',
  ])('leaves %s alone', (text) => {
    expect(verdict(text)).toBeNull();
  });

  it('explains an embedded refusal with the IPv4 address it stands for', () => {
    expect(specialPurposeOf(parseTarget('64:ff9b::7f00:1'))?.explanation).toBe(
      '64:ff9b::7f00:1 is the NAT64 (RFC 6052) form of 127.0.0.1, loopback (RFC 1122)',
    );
  });

  it('agrees with ipaddr.js on random hosts for the ranges both know', () => {
    const never: Record<string, string> = { loopback: 'touches_loopback', unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast' };
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const address = ipaddr.parse(text);
        const kind = address.range();
        const hit = specialPurposeOf(parseTarget(address.toString()));
        if (kind in never && address.kind() === 'ipv4') expect(hit?.reason).toBe(never[kind]);
        if (kind === 'linkLocal') expect(hit?.reason).toBe('link_local');
        // ordinary unicast IPv6 outside ::/96 (IPv4-compatible: read as IPv4) is never refused
        const compatible = address.kind() === 'ipv6' && (address as ipaddr.IPv6).parts.slice(0, 6).every((w) => w === 0);
        if (kind === 'unicast' && address.kind() === 'ipv6' && !compatible) expect(hit).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
});
