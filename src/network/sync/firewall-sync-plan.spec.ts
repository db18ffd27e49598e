import { parseTarget } from '../../core/net';
import { FirewallState } from '../firewall';
import { DesiredState, collapseNested, isEmptyChanges, planSync } from './firewall-sync-plan';

const addr = (text: string, timeoutSec: number | null = null) => ({ target: parseTarget(text), timeoutSec });
const held = (target: string, expiresInSec: number | null = null) => ({ target, family: target.includes(':') ? 6 as const : 4 as const, expiresInSec });
const empty: FirewallState = { addresses: [], ports: [] };
const overlapping = { allowsOverlappingTargets: true };

describe('planSync', () => {
  it('adds what is missing and removes what is not wanted, counting both', () => {
    const desired: DesiredState = { addresses: [addr('198.18.0.2', 60)], ports: [{ port: 8080, proto: 'tcp', timeoutSec: null }] };
    const current: FirewallState = { addresses: [held('203.0.113.9')], ports: [{ port: 53, proto: 'udp', expiresInSec: null }] };
    const plan = planSync(desired, current, overlapping);
    expect(plan.changes.blockAddresses!.map((b) => [b.target.canonical, b.timeoutSec])).toEqual([['198.18.0.2', 60]]);
    expect(plan.changes.unblockAddresses!.map((t) => t.canonical)).toEqual(['203.0.113.9']);
    expect(plan.changes.blockPorts).toEqual([{ port: 8080, proto: 'tcp', timeoutSec: null }]);
    expect(plan.changes.unblockPorts).toEqual([{ port: 53, proto: 'udp' }]);
    expect(plan.drift).toEqual({ missing: 2, unexpected: 2, timeout: 0 });
    expect(plan.rules).toEqual({ addresses: 1, ports: 1 });
  });

  it('changes nothing when the firewall matches, tolerating a few seconds of timeout difference', () => {
    const desired: DesiredState = { addresses: [addr('198.18.0.2', 600), addr('2001:2::2')], ports: [{ port: 22, proto: 'tcp', timeoutSec: 100 }] };
    const current: FirewallState = { addresses: [held('198.18.0.2', 597), held('2001:2::2')], ports: [{ port: 22, proto: 'tcp', expiresInSec: 99 }] };
    const plan = planSync(desired, current, overlapping);
    expect(isEmptyChanges(plan.changes)).toBe(true);
    expect(plan.drift).toEqual({ missing: 0, unexpected: 0, timeout: 0 });
  });

  it('re-applies an entry whose timeout no longer matches (extended, or permanent vs timed)', () => {
    const desired: DesiredState = { addresses: [addr('198.18.0.2', 3600), addr('198.18.0.3')], ports: [] };
    const current: FirewallState = { addresses: [held('198.18.0.2', 60), held('198.18.0.3', 60)], ports: [] };
    const plan = planSync(desired, current, overlapping);
    expect(plan.changes.blockAddresses!.map((b) => [b.target.canonical, b.timeoutSec])).toEqual([['198.18.0.2', 3600], ['198.18.0.3', null]]);
    expect(plan.drift.timeout).toBe(2);
  });

  it('keeps nested networks apart for firewalls that allow overlaps, and collapses them otherwise', () => {
    const desired: DesiredState = { addresses: [addr('198.18.0.2', 30), addr('198.18.0.0/24', 60), addr('198.18.1.0/24')], ports: [] };
    expect(planSync(desired, empty, overlapping).changes.blockAddresses).toHaveLength(3);
    const collapsed = planSync(desired, { addresses: [held('198.18.0.2', 30)], ports: [] }, { allowsOverlappingTargets: false });
    expect(collapsed.changes.blockAddresses!.map((b) => b.target.canonical).sort()).toEqual(['198.18.0.0/24', '198.18.1.0/24']);
    expect(collapsed.changes.unblockAddresses!.map((t) => t.canonical)).toEqual(['198.18.0.2']);
    expect(collapsed.rules.addresses).toBe(2);
  });

  it('never asks for a timeout the kernel refuses', () => {
    const plan = planSync({ addresses: [addr('198.18.0.2', 10_000_000), addr('198.18.0.3', 0.2)], ports: [] }, empty, overlapping);
    expect(plan.changes.blockAddresses!.map((b) => b.timeoutSec)).toEqual([2_147_483, 1]);
  });
});

describe('collapseNested', () => {
  it('keeps the widest of nested targets per family and leaves disjoint ones alone', () => {
    const kept = collapseNested([addr('10.1.2.3'), addr('10.0.0.0/8'), addr('10.1.0.0/16'), addr('2001:db8::1'), addr('192.0.2.0/24')]);
    expect(kept.map((k) => k.target.canonical).sort()).toEqual(['10.0.0.0/8', '192.0.2.0/24', '2001:db8::1']);
  });
});
