import { NetParseError, parseIp } from '../../core/net';

/** Readers of EVE JSON values: each returns the value, or undefined after adding `name: reason` to `problems`. */

export type Problems = string[];

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Microseconds since the epoch of a Suricata timestamp (`2026-11-21T10:00:05.123456+0000`; ISO 8601 with `Z`
 * or `+01:00` too); null when it is not one. Microseconds are kept (a JavaScript Date has milliseconds).
 */
export function eveMicros(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (y < 1970 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const tz = m[8] ?? 'Z';
  const offsetMinutes = tz === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(-2)));
  if (Math.abs(offsetMinutes) > 18 * 60) return null;
  return (ms - offsetMinutes * 60_000) * 1000 + Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
}

export function timestamp(value: unknown, name: string, problems: Problems): number | undefined {
  const us = eveMicros(value);
  if (us !== null) return us;
  problems.push(`${name}: ${value === undefined ? 'is required' : 'must be a timestamp such as 2026-11-21T10:00:05.123456+0000'}`);
  return undefined;
}

export function address(value: unknown, name: string, problems: Problems): string | undefined {
  if (value === undefined || value === null) {
    problems.push(`${name}: is required`);
    return undefined;
  }
  try {
    return parseIp(value, name).address;
  } catch (e) {
    if (!(e instanceof NetParseError)) throw e;
    problems.push(`${name}: must be an IPv4 or IPv6 address`);
    return undefined;
  }
}

export function optionalPort(value: unknown, name: string, problems: Problems): number | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return value;
  problems.push(`${name}: must be an integer from 0 to 65535`);
  return undefined;
}

/** A non-negative integer counter; `required` false lets it be absent (undefined, no problem). */
export function counter(value: unknown, name: string, problems: Problems, required: boolean): number | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  problems.push(`${name}: ${value === undefined ? 'is required' : 'must be a non-negative integer'}`);
  return undefined;
}

/** Suricata's protocol names (`TCP`, `IPv6-ICMP`, …) or numbers; an unknown name is kept as unknown (null). */
const PROTOCOLS: Record<string, number> = {
  tcp: 6, udp: 17, icmp: 1, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132, gre: 47, esp: 50, ah: 51, igmp: 2, ospfigp: 89, pim: 103, vrrp: 112,
};

export function protocol(value: unknown, problems: Problems): number | null | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string' && /^\d{1,3}$/.test(value) && Number(value) <= 255) return Number(value);
  if (typeof value === 'string' && value.length > 0) return PROTOCOLS[value.toLowerCase()] ?? null;
  problems.push(`proto: ${value === undefined ? 'is required' : 'must be a protocol name or number'}`);
  return undefined;
}

/**
 * Suricata's flow_id is a 64-bit integer, beyond JSON.parse's exact range: its digits are taken from the line
 * itself when they match the parsed value.
 */
export function flowId(value: unknown, line: string, problems: Problems): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length >= 1 && value.length <= 128) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const digits = /"flow_id"\s*:\s*(\d{1,40})\s*[,}]/.exec(line)?.[1];
    return digits !== undefined && Number(digits) === value ? digits : String(value);
  }
  problems.push('flow_id: must be an integer or a string of 1 to 128 characters');
  return undefined;
}
