/** RFC 5424 syslog messages with RFC 6587 octet-counting framing (the framing RFC 5425 prescribes over TLS). */

/** RFC 5424 §6.2.1 severities. */
export const SyslogSeverity = { CRITICAL: 2, ERROR: 3, WARNING: 4, NOTICE: 5, INFORMATIONAL: 6 } as const;

export interface SyslogHeader {
  /** 0–23 (RFC 5424 §6.2.1; 10 = security/authorization, 16–23 = local0–local7). */
  facility: number;
  severity: number;
  /** RFC 3339 timestamp. */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  /** What the message is about: the event name (`alert.raised`, `network.ip_blocked`). */
  msgId: string;
}

/** A header field: printable US-ASCII without spaces, at most `max` characters; `-` (NILVALUE) when empty. */
function field(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean || '-';
}

/**
 * JSON whose non-ASCII characters are escaped (`\uXXXX`): the MSG is then plain US-ASCII, valid UTF-8 without a BOM
 * that JSON parsers at the receiver would trip on, and one line (JSON escapes newlines).
 */
export function asciiJson(value: unknown): string {
  const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, escape);
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`, without structured data: the MSG is the document. */
export function formatSyslogMessage(header: SyslogHeader, msg: string): string {
  const within = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  if (!within(header.facility, 23)) throw new RangeError(`facility ${header.facility}`);
  if (!within(header.severity, 7)) throw new RangeError(`severity ${header.severity}`);
  const pri = header.facility * 8 + header.severity;
  const parts = [
    `<${pri}>1`,
    field(header.timestamp, 32),
    field(header.hostname, 255),
    field(header.appName, 48),
    field(header.procId, 128),
    field(header.msgId, 32),
    '-',
  ];
  return msg ? `${parts.join(' ')} ${msg}` : parts.join(' ');
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Splits a stream of octet-counted frames (what a receiver does); the rest is an incomplete frame. */
export function parseOctetFrames(data: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len < 1 || space - at > 10) throw new Error(`bad frame length at byte ${at}`);
    if (space + 1 + len > data.length) break;
    messages.push(data.subarray(space + 1, space + 1 + len).toString('utf8'));
    at = space + 1 + len;
  }
  return { messages, rest: data.subarray(at) };
}
