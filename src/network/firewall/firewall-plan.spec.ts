import { NetParseError, ParsedTarget, parseTarget } from '../../core/net';
import { HOSTILE_TARGETS } from '../../core/net/hostile-targets.fixture';
import { planChanges } from './firewall-plan';
import { FirewallRefusal, FirewallRequestError } from './firewall.errors';
import { FirewallChanges, MAX_BLOCK_TIMEOUT_SEC } from './firewall.types';

const t = (text: string) => parseTarget(text);
/** What a cast, a deserialised object or a hand-built literal can smuggle past the type system. */
const forged = (fields: Record<string, unknown>) => fields as unknown as ParsedTarget;

function refusal(changes: FirewallChanges): string {
  try {
    planChanges(changes);
    return 'accepted';
  } catch (error) {
    if (error instanceof FirewallRequestError || error instanceof NetParseError) return error.reason;
    throw error;
  }
}

describe('planChanges', () => {
  it('keeps validated values, later duplicates winning', () => {
    const plan = planChanges({
      blockAddresses: [{ target: t('198.18.0.2'), timeoutSec: 5 }, { target: t('198.18.0.2'), timeoutSec: 9 }],
      unblockAddresses: [t('198.18.0.3'), t('198.18.0.3')],
      blockPorts: [{ port: 80, proto: 'tcp' }, { port: 80, proto: 'udp', timeoutSec: MAX_BLOCK_TIMEOUT_SEC }],
      unblockPorts: [{ port: 81, proto: 'tcp' }],
    });
    expect(plan).toEqual({
      blockAddresses: [{ target: t('198.18.0.2'), timeoutSec: 9 }],
      unblockAddresses: [t('198.18.0.3')],
      blockPorts: [
        { port: 80, proto: 'tcp', timeoutSec: null },
        { port: 80, proto: 'udp', timeoutSec: MAX_BLOCK_TIMEOUT_SEC },
      ],
      unblockPorts: [{ port: 81, proto: 'tcp' }],
    });
  });

  it.each(HOSTILE_TARGETS)('re-validates a forged target carrying %s', (_label, text) => {
    const hostile = forged({ family: 4, address: text, prefix: 32, canonical: text });
    expect(refusal({ blockAddresses: [{ target: hostile }] })).not.toBe('accepted');
    expect(refusal({ unblockAddresses: [hostile] })).not.toBe('accepted');
  });

  it.each([
    ['an address field that disagrees with canonical', forged({ family: 4, address: '1.2.3.4; flush ruleset', prefix: 32, canonical: '1.2.3.4' })],
  ])('uses only the re-parsed canonical value, ignoring %s', (_label, target) => {
    expect(planChanges({ blockAddresses: [{ target }] }).blockAddresses[0].target).toEqual(t('1.2.3.4'));
  });

  it.each([
    ['no canonical text', forged({ family: 4, address: '1.2.3.4', prefix: 32 }), FirewallRefusal.INVALID_TARGET],
    ['null', forged(null as unknown as Record<string, unknown>), FirewallRefusal.INVALID_TARGET],
    ['a non-canonical spelling', forged({ canonical: '10.1.2.3/8' }), FirewallRefusal.INVALID_TARGET],
    ['the whole IPv4 internet', t('0.0.0.0/0'), FirewallRefusal.WHOLE_INTERNET],
    ['the whole IPv6 internet', t('::/0'), FirewallRefusal.WHOLE_INTERNET],
    ['loopback', t('127.0.0.53'), FirewallRefusal.TOUCHES_LOOPBACK],
    ['IPv6 loopback', t('::1'), FirewallRefusal.TOUCHES_LOOPBACK],
    ['a network containing loopback', t('64.0.0.0/2'), FirewallRefusal.TOUCHES_LOOPBACK],
    ['the unspecified address', t('0.0.0.0'), FirewallRefusal.SPECIAL_PURPOSE],
    ['the IPv6 unspecified address', t('::'), FirewallRefusal.SPECIAL_PURPOSE],
    ['IPv4-compatible loopback', t('::127.0.0.1'), FirewallRefusal.SPECIAL_PURPOSE],
    ['NAT64 loopback', t('64:ff9b::7f00:1'), FirewallRefusal.SPECIAL_PURPOSE],
    ['broadcast', t('255.255.255.255'), FirewallRefusal.SPECIAL_PURPOSE],
    ['multicast', t('224.0.0.1'), FirewallRefusal.SPECIAL_PURPOSE],
  ])('refuses to block %s', (_label, target, reason) => {
    expect(refusal({ blockAddresses: [{ target }] })).toBe(reason);
  });

  it('lets the forcible special-purpose ranges through (an admin forced them upstream)', () => {
    for (const target of ['169.254.169.254', 'fe80::/64', '240.0.0.0/8', '2002::/16']) {
      expect(planChanges({ blockAddresses: [{ target: t(target) }] }).blockAddresses.map((b) => b.target.canonical)).toEqual([target]);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_BLOCK_TIMEOUT_SEC + 1, '60'])('refuses timeout %p', (timeoutSec) => {
    expect(refusal({ blockAddresses: [{ target: t('198.18.0.2'), timeoutSec: timeoutSec as number }] })).toBe(
      FirewallRefusal.INVALID_TIMEOUT,
    );
    expect(refusal({ blockPorts: [{ port: 80, proto: 'tcp', timeoutSec: timeoutSec as number }] })).toBe(
      FirewallRefusal.INVALID_TIMEOUT,
    );
  });

  it('refuses bad ports and protocols with the parser reasons', () => {
    expect(refusal({ blockPorts: [{ port: 0, proto: 'tcp' }] })).toBe('port_out_of_range');
    expect(refusal({ blockPorts: [{ port: '80; reboot' as unknown as number, proto: 'tcp' }] })).toBe('malformed_port');
    expect(refusal({ unblockPorts: [{ port: 80, proto: 'icmp' as 'tcp' }] })).toBe('unknown_protocol');
  });

  it('refuses a batch that blocks and unblocks the same thing', () => {
    expect(refusal({ blockAddresses: [{ target: t('198.18.0.2') }], unblockAddresses: [t('198.18.0.2')] })).toBe(
      FirewallRefusal.BLOCK_AND_UNBLOCK,
    );
    expect(refusal({ blockPorts: [{ port: 80, proto: 'tcp' }], unblockPorts: [{ port: 80, proto: 'tcp' }] })).toBe(
      FirewallRefusal.BLOCK_AND_UNBLOCK,
    );
  });

  it('allows unblocking what can never be blocked (it is a no-op)', () => {
    expect(planChanges({ unblockAddresses: [t('0.0.0.0/0'), t('127.0.0.1')] }).unblockAddresses).toHaveLength(2);
  });
});
