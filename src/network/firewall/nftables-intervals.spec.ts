import { parseTarget } from '../../core/net';
import { planChanges } from './firewall-plan';
import { FirewallConflictError } from './firewall.errors';
import { FirewallState } from './firewall.types';
import { assertNoIntervalConflict, replacesOverlappingNetwork } from './nftables-intervals';

const t = (text: string) => parseTarget(text);
const state = (addresses: string[]): FirewallState => ({
  addresses: addresses.map((a) => ({ target: a, family: a.includes(':') ? 6 : 4, expiresInSec: null })),
  ports: [],
});
const plan = (blocks: string[], unblocks: string[] = []) =>
  planChanges({ blockAddresses: blocks.map((b) => ({ target: t(b) })), unblockAddresses: unblocks.map(t) });

describe('assertNoIntervalConflict', () => {
  it.each([
    [['10.0.0.0/8'], ['10.1.0.0/16'], '10.1.0.0/16', '10.0.0.0/8'],
    [['10.1.0.0/16'], ['10.0.0.0/8'], '10.0.0.0/8', '10.1.0.0/16'],
    [[], ['10.0.0.0/8', '10.1.0.0/16'], '10.1.0.0/16', '10.0.0.0/8'],
    [['2001:db8::/32'], ['2001:db8:1::/48'], '2001:db8:1::/48', '2001:db8::/32'],
  ])('with %j, blocking %j names %s overlapping %s', (current, blocks, target, existing) => {
    expect(() => assertNoIntervalConflict(plan(blocks), state(current))).toThrow(new FirewallConflictError(target, existing));
  });

  it.each([
    [['10.0.0.0/8'], ['10.0.0.0/8'], []],
    [['10.0.0.0/8'], ['11.0.0.0/8'], []],
    [['10.0.0.0/8'], ['10.1.2.3'], []],
    [['10.1.2.3'], ['10.0.0.0/8'], []],
    [['10.0.0.0/8'], ['10.1.0.0/16'], ['10.0.0.0/8']],
    [['1.2.3.0/24'], ['2001:db8::/32'], []],
  ])('with %j, blocking %j while unblocking %j is fine', (current, blocks, unblocks) => {
    expect(() => assertNoIntervalConflict(plan(blocks, unblocks), state(current))).not.toThrow();
  });
});

describe('replacesOverlappingNetwork', () => {
  it.each([
    [['10.0.0.0/8'], ['10.1.0.0/16'], ['10.0.0.0/8'], true],
    [['10.0.0.0/8'], ['10.1.2.3'], ['10.0.0.0/8'], false],
    [[], ['10.1.0.0/16'], ['10.0.0.0/8'], false],
    [['10.0.0.0/8'], ['11.0.0.0/8'], ['10.0.0.0/8'], false],
  ])('listed %j, blocking %j, unblocking %j: %s', (current, blocks, unblocks, expected) => {
    expect(replacesOverlappingNetwork(plan(blocks, unblocks), state(current))).toBe(expected);
  });
});
