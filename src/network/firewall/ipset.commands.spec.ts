import { parseTarget } from '../../core/net';
import { planChanges } from './firewall-plan';
import { firewallNames } from './firewall-names';
import { FirewallBaseMissingError, FirewallOutputError } from './firewall.errors';
import { ipsetChangeCommand, ipsetCreateCommand, ipsetDestroyCommand, ipsetFlushCommand, parseIpsetSave } from './ipset.commands';

const names = firewallNames();

/** `ipset save` output captured from a live kernel (ipset 7.17) after the driver applied a batch. */
const SAVED = `create ids_ai_v4 hash:net family inet hashsize 1024 maxelem 1048576 timeout 0 bucketsize 12 initval 0xbd94b542
add ids_ai_v4 198.18.0.2 timeout 299
add ids_ai_v4 10.0.0.0/8 timeout 49
create ids_ai_v6 hash:net family inet6 hashsize 1024 maxelem 1048576 timeout 0 bucketsize 12 initval 0x52fe52d3
add ids_ai_v6 2001:db8::/32 timeout 0
add ids_ai_v6 2001:2::2 timeout 0
create ids_ai_tcp bitmap:port range 1-65535 timeout 0
add ids_ai_tcp 8080 timeout 59
create ids_ai_udp bitmap:port range 1-65535 timeout 0
add ids_ai_udp 53 timeout 0
create other_set hash:ip family inet hashsize 1024 maxelem 65536
add other_set 192.0.2.1
`;

describe('ipset commands', () => {
  it('creates four timeout-capable sets in one idempotent restore', () => {
    expect(ipsetCreateCommand(names)).toEqual({
      file: 'ipset',
      args: ['restore', '-exist'],
      input: [
        'create ids_ai_v4 hash:net family inet timeout 0 maxelem 1048576',
        'create ids_ai_v6 hash:net family inet6 timeout 0 maxelem 1048576',
        'create ids_ai_tcp bitmap:port range 1-65535 timeout 0',
        'create ids_ai_udp bitmap:port range 1-65535 timeout 0',
        '',
      ].join('\n'),
    });
  });

  it('writes a batch as removals then additions, with explicit timeouts (0 = none)', () => {
    const plan = planChanges({
      blockAddresses: [{ target: parseTarget('198.18.0.9/24'), timeoutSec: 600 }, { target: parseTarget('2001:DB8::1') }],
      unblockAddresses: [parseTarget('::ffff:198.18.1.2')],
      blockPorts: [{ port: 8080, proto: 'tcp' }],
      unblockPorts: [{ port: 53, proto: 'udp' }],
    });
    expect(ipsetChangeCommand(names, plan)).toEqual({
      file: 'ipset',
      args: ['restore', '-exist'],
      input: [
        'del ids_ai_v4 198.18.1.2',
        'del ids_ai_udp 53',
        'add ids_ai_v4 198.18.0.0/24 timeout 600',
        'add ids_ai_v6 2001:db8::1 timeout 0',
        'add ids_ai_tcp 8080 timeout 0',
        '',
      ].join('\n'),
    });
  });

  it('flushes and destroys only our sets', () => {
    expect(ipsetFlushCommand(names).input).toBe('flush ids_ai_v4\nflush ids_ai_v6\nflush ids_ai_tcp\nflush ids_ai_udp\n');
    expect(ipsetDestroyCommand(names, ['ids_ai_v4', 'other_set', 'ids_ai_udp'])?.input).toBe('destroy ids_ai_v4\ndestroy ids_ai_udp\n');
    expect(ipsetDestroyCommand(names, ['other_set'])).toBeNull();
  });

  it('uses the configured prefix for every name', () => {
    expect(ipsetChangeCommand(firewallNames('lab1'), planChanges({ blockPorts: [{ port: 1, proto: 'udp' }] })).input).toBe(
      'add lab1_udp 1 timeout 0\n',
    );
  });
});

describe('parseIpsetSave', () => {
  it('reads our sets into sorted state and ignores other sets', () => {
    expect(parseIpsetSave(SAVED, names)).toEqual({
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

  it('reports a missing set as a missing base', () => {
    const withoutUdp = SAVED.split('\n').filter((line) => !line.includes('ids_ai_udp')).join('\n');
    expect(() => parseIpsetSave(withoutUdp, names)).toThrow(FirewallBaseMissingError);
  });

  it('refuses an entry it cannot read rather than guessing', () => {
    expect(() => parseIpsetSave(`${SAVED}add ids_ai_v4 1.2.3.4-1.2.3.9 timeout 0\n`, names)).toThrow(FirewallOutputError);
  });
});
