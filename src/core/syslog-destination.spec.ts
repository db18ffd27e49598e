import { parseSyslogDestination, parseSyslogDestinations } from './syslog-destination';

describe('syslog destinations (SIEM_SYSLOG_DESTINATIONS)', () => {
  it('reads tcp:// and tls:// with host names, IPv4 and bracketed IPv6', () => {
    expect(parseSyslogDestination('tls://SIEM.example.net:6514')).toEqual({
      name: 'tls://siem.example.net:6514',
      transport: 'tls',
      host: 'SIEM.example.net',
      port: 6514,
    });
    const local = parseSyslogDestination('tcp://127.0.0.1:514');
    expect(local).toMatchObject({ transport: 'tcp', host: '127.0.0.1', port: 514 });
    expect(parseSyslogDestination('tcp://[::1]:1514')).toMatchObject({ name: 'tcp://[::1]:1514', host: '::1' });
  });

  it('refuses other schemes, missing or out-of-range ports and paths', () => {
    const bads = ['udp://h:514', 'tcp://h', 'tcp://h:0', 'tcp://h:70000', 'tls://h:6514/x', 'h:514', 'tcp://u@h:514'];
    for (const bad of bads) {
      expect(parseSyslogDestination(bad)).toBeNull();
    }
  });

  it('reads a comma-separated list, drops duplicates, and refuses it whole when one entry is bad', () => {
    expect(parseSyslogDestinations('')).toEqual([]);
    const list = parseSyslogDestinations(' tcp://a:1 , tls://b:2,tcp://a:1');
    expect(list!.map((d) => d.name)).toEqual(['tcp://a:1', 'tls://b:2']);
    expect(parseSyslogDestinations('tcp://a:1,udp://b:2')).toBeNull();
  });
});
