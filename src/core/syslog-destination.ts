/** A syslog receiver: `tcp://host:port` (RFC 6587) or `tls://host:port` (RFC 5425). */
export interface SyslogDestination {
  /** `tls://siem.example.net:6514`: the metrics label, the digest key and the jobs' target. */
  name: string;
  transport: 'tcp' | 'tls';
  host: string;
  port: number;
}

const DESTINATION = /^(tcp|tls):\/\/(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i;

/** One destination, or null when the text is not `tcp|tls://host:port` with a port 1–65535. */
export function parseSyslogDestination(text: string): SyslogDestination | null {
  const m = DESTINATION.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  const transport = m[1].toLowerCase() as 'tcp' | 'tls';
  const host = m[2].replace(/^\[|\]$/g, '');
  return { name: `${transport}://${m[2].toLowerCase()}:${port}`, transport, host, port };
}

/** SIEM_SYSLOG_DESTINATIONS: a comma-separated list; empty: no syslog forwarding. Null when an entry is invalid. */
export function parseSyslogDestinations(text: string | undefined): SyslogDestination[] | null {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const parsed = entries.map(parseSyslogDestination);
  if (parsed.some((d) => d === null)) return null;
  const unique = new Map((parsed as SyslogDestination[]).map((d) => [d.name, d]));
  return [...unique.values()];
}
