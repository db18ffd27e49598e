import { parseTarget } from '../../core/net';
import { planChanges } from './firewall-plan';
import { firewallNames } from './firewall-names';
import { FirewallState } from './firewall.types';
import { nftBaseCommand, nftChangeCommands, nftFlushCommand, nftPlanNeedsState, nftTeardownCommand } from './nftables.commands';

const names = firewallNames();
const t = (text: string) => parseTarget(text);
const state = (addresses: string[], ports: [number, 'tcp' | 'udp'][] = []): FirewallState => ({
  addresses: addresses.map((a) => ({ target: a, family: a.includes(':') ? 6 : 4, expiresInSec: null })),
  ports: ports.map(([port, proto]) => ({ port, proto, expiresInSec: null })),
});

describe('nftables base script', () => {
  it('declares the table, sets and hooked chains, and rebuilds the chain rules', () => {
    const command = nftBaseCommand(names);
    expect([command.file, command.args]).toEqual(['nft', ['-f', '-']]);
    const lines = command.input!.trim().split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'add table inet ids_ai',
      'add set inet ids_ai blocked_v4 { type ipv4_addr; flags timeout; }',
      'add set inet ids_ai blocked_v4_nets { type ipv4_addr; flags interval,timeout; }',
      'add set inet ids_ai blocked_v6 { type ipv6_addr; flags timeout; }',
      'add set inet ids_ai blocked_v6_nets { type ipv6_addr; flags interval,timeout; }',
      'add set inet ids_ai blocked_tcp { type inet_service; flags timeout; }',
      'add set inet ids_ai blocked_udp { type inet_service; flags timeout; }',
    ]);
    expect(lines.slice(7, 16)).toEqual([
      'add chain inet ids_ai input { type filter hook input priority -10; policy accept; }',
      'flush chain inet ids_ai input',
      'add rule inet ids_ai input iifname "lo" accept',
      'add rule inet ids_ai input ip saddr @blocked_v4 counter drop',
      'add rule inet ids_ai input ip saddr @blocked_v4_nets counter drop',
      'add rule inet ids_ai input ip6 saddr @blocked_v6 counter drop',
      'add rule inet ids_ai input ip6 saddr @blocked_v6_nets counter drop',
      'add rule inet ids_ai input tcp dport @blocked_tcp counter drop',
      'add rule inet ids_ai input udp dport @blocked_udp counter drop',
    ]);
    expect(lines.slice(16)).toEqual(lines.slice(7, 16).map((line) => line.replace(/input/g, 'forward')));
  });

  it('flushes the six sets, and tears down with add-then-delete so a missing table is fine', () => {
    expect(nftFlushCommand(names).input).toBe(
      ['blocked_v4', 'blocked_v4_nets', 'blocked_v6', 'blocked_v6_nets', 'blocked_tcp', 'blocked_udp']
        .map((set) => `flush set inet ids_ai ${set}\n`)
        .join(''),
    );
    expect(nftTeardownCommand(firewallNames('lab')).input).toBe('add table inet lab\ndelete table inet lab\n');
  });
});

describe('nftables change scripts', () => {
  it('re-adds, deletes and adds every address and port; networks only when listed', () => {
    const plan = planChanges({
      blockAddresses: [{ target: t('198.18.0.2'), timeoutSec: 600 }, { target: t('198.18.1.0/24') }, { target: t('2001:2::2') }],
      unblockAddresses: [t('203.0.113.7'), t('10.0.0.0/8'), t('10.9.0.0/16')],
      blockPorts: [{ port: 8080, proto: 'tcp', timeoutSec: 30 }],
      unblockPorts: [{ port: 53, proto: 'udp' }],
    });
    expect(nftChangeCommands(names, plan, state(['10.0.0.0/8'])).map((c) => c.input)).toEqual([
      [
        'add element inet ids_ai blocked_v4 { 203.0.113.7, 198.18.0.2 }',
        'delete element inet ids_ai blocked_v4 { 203.0.113.7, 198.18.0.2 }',
        'add element inet ids_ai blocked_v4 { 198.18.0.2 timeout 600s }',
        'add element inet ids_ai blocked_v4_nets { 10.0.0.0/8 }',
        'delete element inet ids_ai blocked_v4_nets { 10.0.0.0/8 }',
        'add element inet ids_ai blocked_v4_nets { 198.18.1.0/24 }',
        'add element inet ids_ai blocked_v6 { 2001:2::2 }',
        'delete element inet ids_ai blocked_v6 { 2001:2::2 }',
        'add element inet ids_ai blocked_v6 { 2001:2::2 }',
        'add element inet ids_ai blocked_tcp { 8080 }',
        'delete element inet ids_ai blocked_tcp { 8080 }',
        'add element inet ids_ai blocked_tcp { 8080 timeout 30s }',
        'add element inet ids_ai blocked_udp { 53 }',
        'delete element inet ids_ai blocked_udp { 53 }',
        '',
      ].join('\n'),
    ]);
  });

  it('runs nothing when the plan only unblocks networks that are not listed', () => {
    expect(nftChangeCommands(names, planChanges({ unblockAddresses: [t('198.18.0.0/24')] }), state([]))).toEqual([]);
  });

  it('needs the listed state only for plans touching networks', () => {
    expect(nftPlanNeedsState(planChanges({ blockAddresses: [{ target: t('1.2.3.4') }], blockPorts: [{ port: 1, proto: 'tcp' }] }))).toBe(false);
    expect(nftPlanNeedsState(planChanges({ unblockAddresses: [t('2001:db8::1')] }))).toBe(false);
    expect(nftPlanNeedsState(planChanges({ unblockAddresses: [t('2001:db8::/64')] }))).toBe(true);
    expect(nftPlanNeedsState(planChanges({ blockAddresses: [{ target: t('1.2.3.0/31') }] }))).toBe(true);
  });

  it('splits a replacement by an overlapping network into removals, then additions', () => {
    const plan = planChanges({ unblockAddresses: [t('198.18.0.0/16')], blockAddresses: [{ target: t('198.18.0.0/24') }] });
    expect(nftChangeCommands(names, plan, state(['198.18.0.0/16'])).map((c) => c.input)).toEqual([
      'add element inet ids_ai blocked_v4_nets { 198.18.0.0/16 }\ndelete element inet ids_ai blocked_v4_nets { 198.18.0.0/16 }\n',
      'add element inet ids_ai blocked_v4_nets { 198.18.0.0/24 }\n',
    ]);
  });

  it('keeps a replacement of a network by an address inside it in one transaction', () => {
    const plan = planChanges({ unblockAddresses: [t('198.18.0.0/24')], blockAddresses: [{ target: t('198.18.0.2') }] });
    expect(nftChangeCommands(names, plan, state(['198.18.0.0/24']))).toHaveLength(1);
  });
});
