import { parseTarget } from '../../core/net';
import { guardEntries } from './feed-guard';
import { parseFeed } from './feed-parser';

const FIREHOL = `#
# firehol_level1
#
# ipv4 hash:net ipset
#
# A firewall blacklist composed from IP lists, providing
# maximum protection with minimum false positives.
#
# Maintainer      : FireHOL
# Maintainer URL  : http://iplists.firehol.org/
# List source URL :
# Source File Date: Sun Dec  6 10:27:34 UTC 2026
#
# Category        : attacks
# Version         : 37823
#
# This File Date  : Sun Dec  6 10:35:15 UTC 2026
# Update Frequency: 1 min
# Aggregation     : none
# Entries         : 4514 subnets, 610349628 unique IPs
#
# ipv4 hash:net ipset
#
0.0.0.0/8
1.10.16.0/20
1.19.0.0/16
2.56.192.0/22
5.188.10.0/23
198.51.100.7
`;

const SPAMHAUS = `; Spamhaus DROP List 2026/12/06 - (c) 2026 The Spamhaus Project SLU
; https://www.spamhaus.org/drop/drop.txt
; Last-Modified: Sun, 06 Dec 2026 00:41:09 GMT
; Expires: Sun, 06 Dec 2026 01:43:12 GMT
1.10.16.0/20 ; SBL256894
1.19.0.0/16 ; SBL434604
2.56.192.0/22 ; SBL459831
`;

const SPAMHAUS_V6 = `; Spamhaus DROPv6 List 2026/12/06 - (c) 2026 The Spamhaus Project SLU
2001:678:738::/48 ; SBL636323
2a06:5280::/29 ; SBL553513
`;

describe('parseFeed', () => {
  it('reads a FireHOL netset: comments skipped, hosts and networks canonical', () => {
    const feed = parseFeed(FIREHOL);
    expect(feed.format).toBe('firehol');
    expect(feed.entries.map((t) => t.canonical)).toEqual(['0.0.0.0/8', '1.10.16.0/20', '1.19.0.0/16', '2.56.192.0/22', '5.188.10.0/23', '198.51.100.7']);
    expect(feed.invalid).toBe(0);
  });

  it('reads Spamhaus DROP and DROPv6: the CIDR before `;`, the SBL reference ignored', () => {
    const v4 = parseFeed(SPAMHAUS);
    expect(v4.format).toBe('spamhaus');
    expect(v4.entries.map((t) => t.canonical)).toEqual(['1.10.16.0/20', '1.19.0.0/16', '2.56.192.0/22']);
    const v6 = parseFeed(SPAMHAUS_V6);
    expect(v6.entries.map((t) => [t.canonical, t.family])).toEqual([['2001:678:738::/48', 6], ['2a06:5280::/29', 6]]);
  });

  it('reads plain lists with CRLF, blanks, trailing comments and duplicates; counts what is not an address', () => {
    const feed = parseFeed('198.51.100.1\r\n\r\n  203.0.113.0/24   # bad neighbours\r\n198.51.100.1\r\n2001:DB8::1/128\r\nexample.com\r\n10.0.0.1-10.0.0.9\r\n1.2.3.4/33\r\n');
    expect(feed.format).toBe('plain');
    expect(feed.entries.map((t) => t.canonical)).toEqual(['198.51.100.1', '203.0.113.0/24', '2001:db8::1']);
    expect(feed.invalid).toBe(3);
    expect(feed.invalidSamples).toEqual(['line 6: example.com', 'line 7: 10.0.0.1-10.0.0.9', 'line 8: 1.2.3.4/33']);
  });

  it('clears host bits as the block API does', () => {
    expect(parseFeed('10.1.2.3/8\n').entries.map((t) => t.canonical)).toEqual(['10.0.0.0/8']);
  });
});

describe('guardEntries', () => {
  const none = { own: [], management: [], allowlist: [] };
  const targets = (...texts: string[]) => texts.map((t) => parseTarget(t));

  it('refuses the whole internet and special-purpose ranges, forcible ones included, and counts them', () => {
    const r = guardEntries(targets('0.0.0.0/0', '0.0.0.0/8', '127.0.0.1', '224.0.0.0/3', '169.254.0.0/16', '1.10.16.0/20', '::/0'), none);
    expect(r.accepted.map((t) => t.canonical)).toEqual(['1.10.16.0/20']);
    expect(r.refused).toEqual({ whole_internet: 2, special_purpose: 4 });
    expect(r.refusedTotal).toBe(6);
    expect(r.refusedSamples[0]).toBe('0.0.0.0/0: whole_internet');
  });

  it('reads IPv6 through the full checks: loopback, multicast, link-local and embedded IPv4 forms are refused', () => {
    const r = guardEntries(targets('::1', 'ff02::/16', 'fe80::/10', '64:ff9b::7f00:1', '2001:db8::/32', '2a06:5280::/29'), none);
    expect(r.accepted.map((t) => t.canonical)).toEqual(['2001:db8::/32', '2a06:5280::/29']);
    expect(r.refused).toEqual({ special_purpose: 4 });
  });

  it('refuses entries overlapping this server, the management networks or the allowlist, either way round', () => {
    const r = guardEntries(targets('10.0.0.0/8', '198.51.100.9', '203.0.113.0/24', '192.0.2.128/25', '198.18.5.0/24'), {
      own: targets('198.51.100.9'),
      management: targets('10.20.0.0/16'),
      allowlist: targets('203.0.113.0/24', '192.0.2.0/24'),
    });
    expect(r.accepted.map((t) => t.canonical)).toEqual(['198.18.5.0/24']);
    expect(r.refused).toEqual({ management_network: 1, own_address: 1, allowlisted: 2 });
  });
});
