export { NetParseError, NetParseReason } from './net.errors';
export type { IpFamily, ParsedTarget, ParseResult } from './ip-target';
export { MAX_TARGET_LENGTH, canonicalIpv4Value, isCanonicalIpv4, parseCidr, parseIp, parseTarget, tryParseTarget } from './ip-target';
export {
  LOOPBACK_V4,
  LOOPBACK_V6,
  cidrContains,
  isLoopback,
  isWholeInternet,
  overlaps,
  touchesLoopback,
} from './ip-ranges';
export type { Protocol } from './port';
export { PROTOCOLS, parseBlockPort, parsePort, parseProtocol } from './port';
export { CidrIndex } from './cidr-index';
export type { Ipv4Embedding, SpecialPurposeHit, SpecialRange } from './special-ranges';
export { IPV4_EMBEDDINGS, SPECIAL_RANGES, SpecialPurpose, specialPurposeOf } from './special-ranges';
