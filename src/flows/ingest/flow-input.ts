import { joinPath, textProblem } from '../../common/http/validation';
import { isCanonicalIpv4, NetParseError, parseIp } from '../../core/net';
import { FieldProblem } from '../../core/domain-error';
import { toFeatureVector } from '../../core/features';

/** A flow that passed validation: canonical addresses, the raw feature vector in canonical order. */
export interface ValidatedFlow {
  flowId: string | null;
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  timestamp: Date | null;
  features: Float64Array;
}

const ALLOWED_KEYS = new Set(['flow_id', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'protocol', 'timestamp', 'features']);
const PROTOCOL_NAMES: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 };

type Problems = FieldProblem[];

/** The path of a flow's field by name, built only when a problem is reported (a valid batch builds none). */
type FieldPath = (name: string) => string;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalIp(value: unknown, name: string, at: FieldPath, problems: Problems): string | null {
  if (value === undefined || value === null) return null;
  try {
    if (typeof value === 'string' && isCanonicalIpv4(value)) return value;
    return parseIp(value).address;
  } catch (e) {
    if (!(e instanceof NetParseError)) throw e;
    problems.push({ field: at(name), reason: 'must be an IPv4 or IPv6 address' });
    return null;
  }
}

function optionalPort(value: unknown, name: string, at: FieldPath, problems: Problems): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return value;
  problems.push({ field: at(name), reason: 'must be an integer from 0 to 65535' });
  return null;
}

function optionalProtocol(value: unknown, name: string, at: FieldPath, problems: Problems): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string' && PROTOCOL_NAMES[value.toLowerCase()] !== undefined) return PROTOCOL_NAMES[value.toLowerCase()];
  problems.push({ field: at(name), reason: 'must be an IP protocol number (0-255) or tcp, udp, icmp, icmpv6, sctp' });
  return null;
}

function optionalTimestamp(value: unknown, name: string, at: FieldPath, problems: Problems): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
  if (date && !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1970 && date.getUTCFullYear() < 10000) return date;
  problems.push({ field: at(name), reason: 'must be an ISO 8601 date-time or seconds since the epoch' });
  return null;
}

function optionalFlowId(value: unknown, name: string, at: FieldPath, problems: Problems): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > 128) {
    problems.push({ field: at(name), reason: 'must be a string of 1 to 128 characters' });
    return null;
  }
  const unusable = textProblem(value);
  if (unusable) problems.push({ field: at(name), reason: unusable });
  return unusable ? null : value;
}

/** Flow keys read after a dot as they are, spaces and slashes included (`Flow Bytes/s`), unless ambiguous. */
const FLOW_KEY = /^[^.[\]"\s](?:[^.[\]"]*[^.[\]"\s])?$/;

/**
 * The path of `key` inside `parent`: `flows[3].src_ip`, `flows[3].features.Flow Duration`; a key that would not
 * read as one after a dot (empty, with dots, brackets or quotes, leading or trailing spaces) is quoted:
 * `flows[3].features[" Flow Duration"]`, `[""]`.
 */
export const keyPath = (parent: string, key: string): string => joinPath(parent, key, FLOW_KEY);

/**
 * Validates one flow of the ingest API. Problems are reported with `path` as prefix (`flows[3].src_ip`,
 * `flows[3].features.Flow Duration`), given as a string or as a function called only when there is one to report;
 * nothing is thrown for bad input.
 */
export function validateFlow(input: unknown, path: string | (() => string), problems: Problems): ValidatedFlow | null {
  const before = problems.length;
  const prefix = typeof path === 'string' ? () => path : path;
  const at = (field: string) => keyPath(prefix(), field);
  if (!isRecord(input)) {
    problems.push({ field: prefix() || 'body', reason: 'must be an object' });
    return null;
  }
  for (const key of Object.keys(input)) {
    if (!ALLOWED_KEYS.has(key)) problems.push({ field: at(key), reason: 'is not a known field' });
  }
  const flow = {
    flowId: optionalFlowId(input.flow_id, 'flow_id', at, problems),
    srcIp: optionalIp(input.src_ip, 'src_ip', at, problems),
    dstIp: optionalIp(input.dst_ip, 'dst_ip', at, problems),
    srcPort: optionalPort(input.src_port, 'src_port', at, problems),
    dstPort: optionalPort(input.dst_port, 'dst_port', at, problems),
    protocol: optionalProtocol(input.protocol, 'protocol', at, problems),
    timestamp: optionalTimestamp(input.timestamp, 'timestamp', at, problems),
  };
  const features = input.features;
  if (!isRecord(features) && !Array.isArray(features)) {
    problems.push({ field: at('features'), reason: 'must be an object keyed by feature name or an array of 78 numbers' });
    return null;
  }
  const vector = toFeatureVector(features);
  if (!vector.ok) {
    for (const e of vector.errors) problems.push({ field: e.field ? keyPath(at('features'), e.field) : at('features'), reason: e.reason });
    return null;
  }
  if (problems.length !== before) return null;
  // field by field: an object spread is a runtime call, about 1 µs a flow
  return {
    flowId: flow.flowId,
    srcIp: flow.srcIp,
    dstIp: flow.dstIp,
    srcPort: flow.srcPort,
    dstPort: flow.dstPort,
    protocol: flow.protocol,
    timestamp: flow.timestamp,
    features: vector.values,
  };
}

/** At most this many problems are reported for one request (a 5,000-flow batch of garbage stays small). */
export const MAX_REPORTED_PROBLEMS = 100;

export function validateFlows(items: unknown[], pathOf: (i: number) => string): { flows: ValidatedFlow[]; problems: Problems } {
  const problems: Problems = [];
  const flows: ValidatedFlow[] = [];
  for (let i = 0; i < items.length && problems.length < MAX_REPORTED_PROBLEMS; i++) {
    const flow = validateFlow(items[i], () => pathOf(i), problems);
    if (flow) flows.push(flow);
  }
  return { flows, problems: problems.slice(0, MAX_REPORTED_PROBLEMS) };
}
