import { parseTarget } from '../../core/net';
import { addressTest, SuppressionRuleSet, SuppressionRuleSpec } from './suppression-rules';

const rule = (id: string, fields: Partial<SuppressionRuleSpec>): SuppressionRuleSpec => ({
  id, attackType: null, srcCidr: null, dstCidr: null, dstPort: null, expiresAt: null, ...fields,
});
const verdict = { attackType: 'PortScan', srcIp: '198.18.4.7', dstIp: '198.19.0.10', dstPort: 22 };
const NOW = Date.parse('2026-12-07T00:00:00Z');

describe('addressTest', () => {
  it('matches IPv4 addresses inside a network and its edges only', () => {
    const inNet = addressTest(parseTarget('198.18.4.0/23'));
    expect(['198.18.4.0', '198.18.5.255', '198.18.4.7'].map(inNet)).toEqual([true, true, true]);
    expect(['198.18.3.255', '198.18.6.0', '10.0.0.1', null].map(inNet)).toEqual([false, false, false, false]);
  });

  it('matches a single host exactly and a /1 by its top bit', () => {
    expect(addressTest(parseTarget('198.18.0.1'))('198.18.0.1')).toBe(true);
    expect(addressTest(parseTarget('198.18.0.1'))('198.18.0.2')).toBe(false);
    expect(addressTest(parseTarget('128.0.0.0/1'))('255.255.255.255')).toBe(true);
    expect(addressTest(parseTarget('128.0.0.0/1'))('127.255.255.255')).toBe(false);
  });

  it('matches IPv6, IPv4-mapped and non-canonical spellings, never across families', () => {
    const v6 = addressTest(parseTarget('2001:db8::/32'));
    expect(v6('2001:db8:1::5')).toBe(true);
    expect(v6('2001:DB8::1')).toBe(true);
    expect(v6('2001:db9::1')).toBe(false);
    expect(v6('198.18.0.1')).toBe(false);
    expect(addressTest(parseTarget('198.18.0.0/15'))('::ffff:198.19.1.1')).toBe(true);
    expect(addressTest(parseTarget('198.18.0.0/15'))('not an address')).toBe(false);
  });
});

describe('SuppressionRuleSet', () => {
  it('matches on class, source, destination and port, each a wildcard when null', () => {
    const set = new SuppressionRuleSet([rule('r1', { attackType: 'PortScan', srcCidr: '198.18.4.0/24', dstPort: 22 })]);
    expect(set.match(verdict, NOW)).toBe('r1');
    expect(set.match({ ...verdict, attackType: 'DDoS' }, NOW)).toBeNull();
    expect(set.match({ ...verdict, srcIp: '198.18.5.7' }, NOW)).toBeNull();
    expect(set.match({ ...verdict, dstPort: 23 }, NOW)).toBeNull();
    expect(set.match({ ...verdict, dstPort: null }, NOW)).toBeNull();
    expect(set.match({ ...verdict, srcIp: null }, NOW)).toBeNull();
  });

  it('applies a rule without a class to every class of its addresses', () => {
    const set = new SuppressionRuleSet([rule('any', { dstCidr: '198.19.0.10' })]);
    expect(set.match(verdict, NOW)).toBe('any');
    expect(set.match({ ...verdict, attackType: 'Suricata: ET SCAN' }, NOW)).toBe('any');
    expect(set.match({ ...verdict, dstIp: '198.19.0.11' }, NOW)).toBeNull();
  });

  it('credits the first matching rule, rules of the class before rules of any class', () => {
    const set = new SuppressionRuleSet([
      rule('any', { srcCidr: '198.18.0.0/15' }),
      rule('typed-1', { attackType: 'PortScan', dstPort: 23 }),
      rule('typed-2', { attackType: 'PortScan', dstCidr: '198.19.0.0/16' }),
    ]);
    expect(set.match(verdict, NOW)).toBe('typed-2');
    expect(set.match({ ...verdict, attackType: 'DDoS' }, NOW)).toBe('any');
  });

  it('stops matching at the expiry and reports the next expiry', () => {
    const expiresAt = new Date(NOW + 1000);
    const set = new SuppressionRuleSet([rule('r', { attackType: 'PortScan', expiresAt }), rule('forever', { attackType: 'DDoS' })]);
    expect(set.match(verdict, NOW + 999)).toBe('r');
    expect(set.match(verdict, NOW + 1000)).toBeNull();
    expect(set.match({ ...verdict, attackType: 'DDoS' }, NOW + 1e12)).toBe('forever');
    expect(set.nextExpiry).toBe(NOW + 1000);
  });

  it('matches nothing when empty', () => {
    expect(new SuppressionRuleSet([]).match(verdict, NOW)).toBeNull();
    expect(new SuppressionRuleSet([]).nextExpiry).toBe(Infinity);
  });
});
