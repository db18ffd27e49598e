import { NetParseError, NetParseReason } from './net.errors';

export type Protocol = 'tcp' | 'udp';
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

/** `0` or up to five ASCII digits without a leading zero. */
const PORT_DIGITS = /^(0|[1-9][0-9]{0,4})$/;
const MAX_PORT = 65535;

function portNumber(input: unknown, field: string): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) throw new NetParseError(NetParseReason.MALFORMED_PORT, field);
    return input;
  }
  if (typeof input !== 'string') throw new NetParseError(NetParseReason.MALFORMED_PORT, field);
  if (!PORT_DIGITS.test(input)) throw new NetParseError(NetParseReason.MALFORMED_PORT, field);
  return Number(input);
}

function inRange(port: number, min: number, field: string): number {
  if (port < min || port > MAX_PORT) throw new NetParseError(NetParseReason.PORT_OUT_OF_RANGE, field);
  return port;
}

/** Any port, 0–65535: an integer, or its decimal spelling without sign, spaces or leading zeros. */
export function parsePort(input: unknown, field = 'port'): number {
  return inRange(portNumber(input, field), 0, field);
}

/** A port that can be blocked: 1–65535 (port 0 is never a real destination). */
export function parseBlockPort(input: unknown, field = 'port'): number {
  return inRange(portNumber(input, field), 1, field);
}

/** `tcp` or `udp`, lower case, nothing else. */
export function parseProtocol(input: unknown, field = 'protocol'): Protocol {
  if (input === 'tcp' || input === 'udp') return input;
  throw new NetParseError(NetParseReason.UNKNOWN_PROTOCOL, field);
}
