import { asciiJson, formatSyslogMessage, octetFrame, parseOctetFrames, SyslogHeader } from './syslog-frame';

const header: SyslogHeader = {
  facility: 10,
  severity: 3,
  timestamp: '2026-12-06T22:31:05.120Z',
  hostname: 'ids-1',
  appName: 'ids-ai',
  procId: '4242',
  msgId: 'alert.raised',
};

describe('RFC 5424 messages', () => {
  it('writes PRI, version, header fields, nil structured data and the message', () => {
    // PRI = facility × 8 + severity = 83
    const msg = formatSyslogMessage(header, '{"a":1}');
    expect(msg).toBe('<83>1 2026-12-06T22:31:05.120Z ids-1 ids-ai 4242 alert.raised - {"a":1}');
  });

  it('writes NILVALUE for empty fields, drops spaces and non-ASCII, and caps field lengths', () => {
    const odd = { ...header, hostname: '', appName: 'ids ai', msgId: 'x'.repeat(40), procId: 'é' };
    const msg = formatSyslogMessage(odd, '');
    expect(msg).toBe(`<83>1 2026-12-06T22:31:05.120Z - idsai - ${'x'.repeat(32)} -`);
  });

  it('refuses a facility or severity out of range', () => {
    expect(() => formatSyslogMessage({ ...header, facility: 24 }, 'm')).toThrow(RangeError);
    expect(() => formatSyslogMessage({ ...header, severity: 8 }, 'm')).toThrow(RangeError);
  });

  it('keeps JSON one ASCII line: non-ASCII escaped, newlines escaped', () => {
    const text = asciiJson({ message: 'Zürich\nline two ✓' });
    expect(text).toBe('{"message":"Z\\u00fcrich\\nline two \\u2713"}');
    expect(JSON.parse(text)).toEqual({ message: 'Zürich\nline two ✓' });
  });
});

describe('RFC 6587 octet counting', () => {
  it('prefixes the length in bytes (not characters) and a space', () => {
    expect(octetFrame('<83>1 - - - - - - hi').toString()).toBe('20 <83>1 - - - - - - hi');
    expect(octetFrame('é').toString('utf8')).toBe('2 é');
  });

  it('round-trips several frames, including an incomplete tail', () => {
    const messages = ['<83>1 - a - - - - {"x":"1 2"}', '<85>1 - b - - - - é', '<86>1 - c - - - - 3 4'];
    const stream = Buffer.concat(messages.map(octetFrame));
    expect(parseOctetFrames(stream)).toEqual({ messages, rest: Buffer.alloc(0) });
    const cut = parseOctetFrames(stream.subarray(0, stream.length - 3));
    expect(cut.messages).toEqual(messages.slice(0, 2));
    expect(cut.rest.toString()).toBe(octetFrame(messages[2]).subarray(0, -3).toString());
  });

  it('refuses a stream that is not octet-counted', () => {
    expect(() => parseOctetFrames(Buffer.from('<83>1 not framed'))).toThrow(/bad frame length/);
  });
});
