import { LookupAddress } from 'node:dns';
import { guardedLookup, refusalForAddress, refusalForUrl } from './webhook-url.guard';

const resolving = (...addresses: string[]) => async (): Promise<LookupAddress[]> =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('webhook target guard (SSRF)', () => {
  it('allows only public unicast addresses by default', () => {
    expect(refusalForAddress('93.184.215.14', false)).toBeNull();
    expect(refusalForAddress('2606:4700::1111', false)).toBeNull();
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '0.0.0.0', '198.18.0.1']) {
      expect([address, refusalForAddress(address, false)]).toEqual([address, expect.any(String)]);
    }
  });

  it('allows private and loopback with WEBHOOK_ALLOW_PRIVATE, never metadata, unspecified or multicast', () => {
    expect(refusalForAddress('127.0.0.1', true)).toBeNull();
    expect(refusalForAddress('10.0.0.5', true)).toBeNull();
    expect(refusalForAddress('169.254.169.254', true)).toMatch(/metadata/);
    expect(refusalForAddress('::ffff:169.254.169.254', true)).toMatch(/metadata/);
    expect(refusalForAddress('fd00:ec2::254', true)).toMatch(/metadata/);
    expect(refusalForAddress('0.0.0.0', true)).toMatch(/unspecified/);
    expect(refusalForAddress('224.0.0.1', true)).toMatch(/multicast/);
  });

  it('checks the URL form and every address the host resolves to', async () => {
    expect(await refusalForUrl('ftp://example.com/x', false)).toMatch(/http or https/);
    expect(await refusalForUrl('https://user:pw@example.com/x', false)).toMatch(/credentials/);
    expect(await refusalForUrl('http://[::1]:8080/x', false)).toMatch(/loopback/);
    expect(await refusalForUrl('http://2130706433/x', false)).toMatch(/loopback/);
    expect(await refusalForUrl('http://metadata.google.internal/x', true)).toMatch(/metadata/);
    expect(await refusalForUrl('https://hooks.example.com/x', false, resolving('93.184.215.14'))).toBeNull();
    expect(await refusalForUrl('https://hooks.example.com/x', false, resolving('93.184.215.14', '10.0.0.1'))).toMatch(/resolves to 10\.0\.0\.1/);
    expect(await refusalForUrl('https://rebind.example/x', false, async () => { throw new Error('ENOTFOUND'); })).toMatch(/does not resolve/);
  });

  it('checks the addresses at connect time (the lookup http.request uses)', async () => {
    const lookup = (allowPrivate: boolean, all: boolean) =>
      new Promise<unknown>((resolve, reject) =>
        guardedLookup(allowPrivate)('localhost', { all }, (err: Error | null, address: unknown) => (err ? reject(err) : resolve(address))),
      );
    await expect(lookup(false, true)).rejects.toThrow(/localhost resolves to .*loopback/);
    await expect(lookup(false, false)).rejects.toThrow(/loopback/);
    expect(await lookup(true, true)).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
    expect(await lookup(true, false)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
