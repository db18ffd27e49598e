import { firewallNames } from './firewall-names';
import { FirewallBaseMissingError, FirewallOutputError } from './firewall.errors';
import { NFT_BASE_RULES, NFT_SETS } from './nftables.commands';
import { hasNftTable, nftBaseDrift, parseNftTable } from './nftables.parser';

const names = firewallNames();
const META = { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } };
const set = (name: string, type: string, elem?: unknown[]) => ({
  set: { family: 'inet', name, table: 'ids_ai', type, handle: 1, flags: ['timeout'], ...(elem ? { elem } : {}) },
});

/** Our four sets as nftables 1.0.6 listed them after the driver applied a batch (both element forms). */
const OUR_SETS: Record<string, [string, unknown[]]> = {
  blocked_v4: ['ipv4_addr', [{ elem: { val: '198.18.0.2', timeout: 300, expires: 299 } }]],
  blocked_v4_nets: ['ipv4_addr', [{ elem: { val: { prefix: { addr: '10.0.0.0', len: 8 } }, timeout: 50, expires: 49 } }]],
  blocked_v6: ['ipv6_addr', ['2001:2::2']],
  blocked_v6_nets: ['ipv6_addr', [{ prefix: { addr: '2001:db8::', len: 32 } }]],
  blocked_tcp: ['inet_service', [{ elem: { val: 8080, timeout: 60, expires: 59 } }]],
  blocked_udp: ['inet_service', [53]],
};

/** `nft -j list table inet ids_ai` output, with some of our sets' elements replaced. */
function listing(replace: Record<string, unknown[]> = {}): string {
  const ours = Object.entries(OUR_SETS).map(([name, [type, elem]]) => set(name, type, replace[name] ?? elem));
  const foreign = { set: { ...set('blocked_v4', 'ipv4_addr', ['192.0.2.1']).set, table: 'other' } };
  const chain = { chain: { family: 'inet', table: 'ids_ai', name: 'input', type: 'filter', hook: 'input', prio: -10 } };
  return JSON.stringify({ nftables: [META, { table: { family: 'inet', name: 'ids_ai', handle: 3 } }, ...ours, foreign, chain] });
}

describe('parseNftTable', () => {
  it('reads the six sets (both element forms, with and without timeout) into sorted state', () => {
    expect(parseNftTable(listing(), names)).toEqual({
      addresses: [
        { target: '10.0.0.0/8', family: 4, expiresInSec: 49 },
        { target: '198.18.0.2', family: 4, expiresInSec: 299 },
        { target: '2001:2::2', family: 6, expiresInSec: null },
        { target: '2001:db8::/32', family: 6, expiresInSec: null },
      ],
      ports: [
        { port: 8080, proto: 'tcp', expiresInSec: 59 },
        { port: 53, proto: 'udp', expiresInSec: null },
      ],
    });
  });

  it('reads empty sets (no elem key) as empty', () => {
    const empty = { nftables: [META, ...Object.keys(OUR_SETS).map((n) => set(n, 'x'))] };
    expect(parseNftTable(JSON.stringify(empty), names)).toEqual({ addresses: [], ports: [] });
  });

  it('reports a missing set as a missing base', () => {
    const withoutUdp = JSON.parse(listing()) as { nftables: { set?: { name: string } }[] };
    withoutUdp.nftables = withoutUdp.nftables.filter((item) => item.set?.name !== 'blocked_udp');
    expect(() => parseNftTable(JSON.stringify(withoutUdp), names)).toThrow(FirewallBaseMissingError);
  });

  it.each([
    ['not JSON', 'table inet ids_ai {'],
    ['a range element', listing({ blocked_v4_nets: [{ range: ['1.2.3.4', '1.2.3.9'] }] })],
    ['a port outside 1..65535', listing({ blocked_tcp: [0] })],
    ['a port that is not a number', listing({ blocked_udp: ['domain'] })],
  ])('refuses %s', (_label, output) => {
    expect(() => parseNftTable(output, names)).toThrow(FirewallOutputError);
  });
});

describe('hasNftTable', () => {
  it('finds our inet table only', () => {
    const tables = (entries: object[]) => JSON.stringify({ nftables: [META, ...entries.map((table) => ({ table }))] });
    expect(hasNftTable(tables([{ family: 'ip', name: 'filter' }, { family: 'inet', name: 'ids_ai' }]), names)).toBe(true);
    expect(hasNftTable(tables([{ family: 'ip', name: 'ids_ai' }]), names)).toBe(false);
  });
});

describe('nftBaseDrift', () => {
  const chain = (name: string, rules: string[]) =>
    [`\tchain ${name} {`, `\t\ttype filter hook ${name} priority filter - 10; policy accept;`, ...rules.map((r) => `\t\t${r}`), '\t}'];
  const listed = (input: string[], forward: string[] | null, sets = Object.values(NFT_SETS)) =>
    [
      'table inet ids_ai {',
      ...sets.flatMap((s) => [`\tset ${s} {`, '\t\ttype ipv4_addr', '\t\tflags timeout', '\t}']),
      ...chain('input', input),
      ...(forward ? chain('forward', forward) : []),
      '}',
    ].join('\n');
  const printed = NFT_BASE_RULES.map((r) => r.replace(' counter ', ' counter packets 12 bytes 720 '));

  it('finds an intact base (counter values aside)', () => {
    expect(nftBaseDrift(listed(printed, printed))).toEqual({ missingRules: 0, unexpectedRules: 0, missingChains: 0, intact: true });
  });

  it('counts a missing chain with its rules, a deleted rule, a rule added by hand and a missing set', () => {
    const forward = [...printed.slice(0, 5), printed[6], 'udp dport 9 drop'];
    const drift = nftBaseDrift(listed(printed, null, Object.values(NFT_SETS).slice(1)).replace(/\n}$/, `\n${chain('forward', forward).join('\n')}\n}`));
    expect(drift).toEqual({ missingRules: 1, unexpectedRules: 1, missingChains: 1, intact: false });
    expect(nftBaseDrift(listed(printed, null))).toEqual({ missingRules: 7, unexpectedRules: 0, missingChains: 1, intact: false });
  });

  it('re-installs rules put out of order, and a missing table counts as one', () => {
    expect(nftBaseDrift(listed([...printed].reverse(), printed)).intact).toBe(false);
    expect(nftBaseDrift(null)).toEqual({ missingRules: 14, unexpectedRules: 0, missingChains: 9, intact: false });
  });
});
