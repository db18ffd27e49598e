import { NetParseReason } from './net.errors';
import { PROTOCOLS, parseBlockPort, parsePort, parseProtocol } from './port';

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['80', 80],
    ['65535', 65535],
    [0, 0],
    [443, 443],
    [65535, 65535],
  ])('%p → %p', (input, port) => {
    expect(parsePort(input)).toBe(port);
  });

  it.each([undefined, null, true, {}, [80], '', '+80', '80 ', '100000'])('rejects %p', (input) => {
    expect(() => parsePort(input)).toThrow(
      expect.objectContaining({ reason: expect.stringMatching(/^(malformed_port|port_out_of_range)$/) }),
    );
  });
});

describe('parseBlockPort', () => {
  it('accepts 1..65535 and refuses 0 and 65536', () => {
    expect([parseBlockPort(1), parseBlockPort('65535')]).toEqual([1, 65535]);
    for (const port of [0, '0', 65536]) {
      expect(() => parseBlockPort(port)).toThrow(expect.objectContaining({ reason: NetParseReason.PORT_OUT_OF_RANGE }));
    }
  });
});

describe('parseProtocol', () => {
  it('accepts exactly tcp and udp', () => {
    expect(PROTOCOLS.map((p) => parseProtocol(p))).toEqual(['tcp', 'udp']);
  });
});
