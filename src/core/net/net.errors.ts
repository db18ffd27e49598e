import { DomainError, ErrorCode } from '../domain-error';

/** Why an address, CIDR, port or protocol was rejected. Stable strings: callers may log and match on them. */
export enum NetParseReason {
  NOT_A_STRING = 'not_a_string',
  EMPTY = 'empty',
  TOO_LONG = 'too_long',
  LEADING_DASH = 'leading_dash',
  ZONE_ID = 'zone_id',
  INVALID_CHARACTER = 'invalid_character',
  MALFORMED_IPV4 = 'malformed_ipv4',
  MALFORMED_IPV6 = 'malformed_ipv6',
  PREFIX_REQUIRED = 'prefix_required',
  PREFIX_NOT_ALLOWED = 'prefix_not_allowed',
  MALFORMED_PREFIX = 'malformed_prefix',
  PREFIX_OUT_OF_RANGE = 'prefix_out_of_range',
  MALFORMED_PORT = 'malformed_port',
  PORT_OUT_OF_RANGE = 'port_out_of_range',
  UNKNOWN_PROTOCOL = 'unknown_protocol',
}

/**
 * A rejected network value. It is a VALIDATION_FAILED domain error, so the global filter answers 400 with
 * `{ field, reason }`. The rejected input itself is never copied into the message (it may be hostile).
 */
export class NetParseError extends DomainError {
  constructor(
    readonly reason: NetParseReason,
    readonly field: string,
  ) {
    super(ErrorCode.VALIDATION_FAILED, `Invalid ${field}: ${reason}`, { details: [{ field, reason }] });
    this.name = 'NetParseError';
  }
}
