import { NetParseReason } from './net.errors';

/**
 * Inputs an attacker or a confused client could send where an address is expected, with the reason the parser
 * gives. Shared by the parser specs and the firewall specs (which check none of them reaches a command).
 */
export const HOSTILE_TARGETS: [string, string, NetParseReason][] = [
  ['shell command chained', '1.2.3.4; flush ruleset', NetParseReason.INVALID_CHARACTER],
  ['nft statement', '1.2.3.4 } ; delete table inet ids_ai ; add element inet ids_ai blocked_v4 { 1.2.3.5', NetParseReason.TOO_LONG],
  ['short nft injection', '1.2.3.4}', NetParseReason.INVALID_CHARACTER],
  ['iptables flag', '-F', NetParseReason.LEADING_DASH],
  ['option-looking address', '-1.2.3.4', NetParseReason.LEADING_DASH],
  ['hex short form', '0x7f.1', NetParseReason.INVALID_CHARACTER],
  ['hex octet', '0x7f.0.0.1', NetParseReason.INVALID_CHARACTER],
  ['octal-looking octet', '010.0.0.1', NetParseReason.MALFORMED_IPV4],
  ['octal 0177', '0177.0.0.1', NetParseReason.MALFORMED_IPV4],
  ['short form', '127.1', NetParseReason.MALFORMED_IPV4],
  ['integer form', '2130706433', NetParseReason.MALFORMED_IPV4],
  ['Arabic-Indic digits', '١.٢.٣.٤', NetParseReason.INVALID_CHARACTER],
  ['fullwidth digits', '１.２.３.４', NetParseReason.INVALID_CHARACTER],
  ['Devanagari digit mixed in', '1.2.3.४', NetParseReason.INVALID_CHARACTER],
  ['fullwidth full stop', '1。2。3。4', NetParseReason.INVALID_CHARACTER],
  ['tab', '1.2.3.4\t', NetParseReason.INVALID_CHARACTER],
  ['newline then command', '1.2.3.4\nflush ruleset', NetParseReason.INVALID_CHARACTER],
  ['NUL byte', '1.2.3.4\u0000', NetParseReason.INVALID_CHARACTER],
  ['non-breaking space', '\u00a01.2.3.4', NetParseReason.INVALID_CHARACTER],
  ['zero-width space', '1.2.3.4\u200b', NetParseReason.INVALID_CHARACTER],
  ['command substitution', '$(reboot)', NetParseReason.INVALID_CHARACTER],
  ['backticks', '`id`', NetParseReason.INVALID_CHARACTER],
  ['pipe', '1.2.3.4|sh', NetParseReason.INVALID_CHARACTER],
  ['zone id', 'fe80::1%eth0', NetParseReason.ZONE_ID],
  ['zone id with injection', 'fe80::1%lo;id', NetParseReason.ZONE_ID],
  ['host name', 'localhost', NetParseReason.INVALID_CHARACTER],
  ['5,000 characters', '1'.repeat(5000), NetParseReason.TOO_LONG],
  ['5,000 dots', '.'.repeat(5000), NetParseReason.TOO_LONG],
  ['5,000 colons', ':'.repeat(5000), NetParseReason.TOO_LONG],
];
