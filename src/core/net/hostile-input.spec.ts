import { isWholeInternet } from './ip-ranges';
import { parseTarget, tryParseTarget } from './ip-target';
import { HOSTILE_TARGETS } from './hostile-targets.fixture';
import { NetParseError, NetParseReason } from './net.errors';
import { parseBlockPort, parsePort, parseProtocol } from './port';

describe('hostile address input', () => {
  it.each(HOSTILE_TARGETS)('rejects %s', (_label, input, reason) => {
    const result = tryParseTarget(input);
    expect(result.ok ? 'accepted' : result.error.reason).toBe(reason);
  });

  it('never copies the input into the error message', () => {
    const result = tryParseTarget('1.2.3.4; flush ruleset');
    expect(!result.ok && result.error.message).toBe('Invalid target: invalid_character');
  });

  it('checks the length before anything else, so a 5,000-character string costs one comparison', () => {
    // Each of these would fail a later check too; `too_long` shows that no pattern ever scanned them.
    for (const input of ['1.2.3.4;'.padEnd(5000, 'x'), `-${'1'.repeat(4999)}`, `fe80::1%${'a'.repeat(4992)}`]) {
      const result = tryParseTarget(input);
      expect(result.ok ? 'accepted' : result.error.reason).toBe(NetParseReason.TOO_LONG);
    }
    expect(tryParseTarget('1'.repeat(65)).ok).toBe(false);
  });

  it('parses the whole internet, which callers then refuse with isWholeInternet', () => {
    for (const input of ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '1.2.3.4/0']) {
      expect(isWholeInternet(parseTarget(input))).toBe(true);
    }
  });
});

describe('hostile port and protocol input', () => {
  const ports: [unknown, NetParseReason][] = [
    ['80; reboot', NetParseReason.MALFORMED_PORT],
    ['-1', NetParseReason.MALFORMED_PORT],
    ['--dport', NetParseReason.MALFORMED_PORT],
    ['0x50', NetParseReason.MALFORMED_PORT],
    ['080', NetParseReason.MALFORMED_PORT],
    ['８０', NetParseReason.MALFORMED_PORT],
    [' 80', NetParseReason.MALFORMED_PORT],
    ['80.0', NetParseReason.MALFORMED_PORT],
    ['1e3', NetParseReason.MALFORMED_PORT],
    ['9'.repeat(5000), NetParseReason.MALFORMED_PORT],
    [80.5, NetParseReason.MALFORMED_PORT],
    [Number.NaN, NetParseReason.MALFORMED_PORT],
    [Number.POSITIVE_INFINITY, NetParseReason.MALFORMED_PORT],
    [65536, NetParseReason.PORT_OUT_OF_RANGE],
    ['65536', NetParseReason.PORT_OUT_OF_RANGE],
    [-1, NetParseReason.PORT_OUT_OF_RANGE],
  ];

  it.each(ports)('parsePort rejects %p (%s)', (input, reason) => {
    expect(() => parsePort(input)).toThrow(expect.objectContaining({ reason }));
    expect(() => parsePort(input)).toThrow(NetParseError);
  });

  it.each(['tcp; reboot', 'TCP', 'icmp', 'all', '-p', ' tcp', 'tcp\n', 6])('parseProtocol rejects %p', (input) => {
    expect(() => parseProtocol(input)).toThrow(expect.objectContaining({ reason: NetParseReason.UNKNOWN_PROTOCOL }));
  });

  it('parseBlockPort refuses port 0', () => {
    expect(() => parseBlockPort(0)).toThrow(expect.objectContaining({ reason: NetParseReason.PORT_OUT_OF_RANGE }));
  });
});
