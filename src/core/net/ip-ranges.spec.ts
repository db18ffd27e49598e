import { cidrContains, isLoopback, isWholeInternet, overlaps, touchesLoopback } from './ip-ranges';
import { parseTarget } from './ip-target';

const t = (text: string) => parseTarget(text);

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0/7', false],
    ['10.0.0.0/8', '10.128.0.0/9', true],
    ['198.18.0.0/15', '198.19.255.255', true],
    ['198.18.0.0/15', '198.20.0.0', false],
    ['1.2.3.4', '1.2.3.4', true],
    ['1.2.3.4', '1.2.3.5', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/127', '2001:db8::1', true],
    ['2001:db8::/128', '2001:db8::1', false],
    ['::/0', '::1', true],
    ['::/0', '1.2.3.4', false],
    ['::ffff:0:0/96', '1.2.3.4', true],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(t(outer), t(inner))).toBe(expected);
  });
});

describe('overlaps', () => {
  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['1.2.3.4', '1.2.3.4', true],
    ['2001:db8::/48', '2001:db8:0:1::/64', true],
    ['2001:db8::/48', '2001:db8:1::/48', false],
    ['0.0.0.0/1', '127.0.0.1', true],
    ['128.0.0.0/1', '127.0.0.1', false],
  ])('%s ∩ %s: %s', (a, b, expected) => {
    expect(overlaps(t(a), t(b))).toBe(expected);
  });
});

describe('loopback and whole-internet guards', () => {
  it.each([
    ['127.0.0.1', true, true],
    ['127.255.0.0/16', true, true],
    ['::1', true, true],
    ['::ffff:127.0.0.1', true, true],
    ['0.0.0.0/1', false, true],
    ['::/127', false, true],
    ['126.0.0.0/8', false, false],
    ['::2', false, false],
    ['198.18.0.2', false, false],
  ])('%s: isLoopback %s, touchesLoopback %s', (text, inside, touches) => {
    expect([isLoopback(t(text)), touchesLoopback(t(text))]).toEqual([inside, touches]);
  });

  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['::ffff:0:0/96', true],
    ['0.0.0.0/1', false],
    ['::/1', false],
    ['0.0.0.0', false],
  ])('isWholeInternet(%s) = %s', (text, expected) => {
    expect(isWholeInternet(t(text))).toBe(expected);
  });
});
