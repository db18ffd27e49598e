import { BinaryCopyWriter, inetBytes } from './copy-binary';

const hex = (w: BinaryCopyWriter) => w.bytes().toString('hex');

describe('binary COPY encoding', () => {
  it('frames a stream: signature, flags and extension length, rows, -1 trailer', () => {
    const w = new BinaryCopyWriter(4).header().row(1).int4(7).trailer();
    expect(hex(w)).toBe('5047434f50590aff0d0a00' + '00000000' + '00000000' + '0001' + '00000004' + '00000007' + 'ffff');
  });

  it('writes NULL as length -1 for every type', () => {
    const w = new BinaryCopyWriter();
    w.int8(null).int4(undefined).int2(null).float4(null).text(null).timestamptz(null).inet(null).uuid(null).float8Array(null).float4Array(null);
    expect(hex(w)).toBe('ffffffff'.repeat(10));
  });

  it('writes integers big-endian at the column width, bigint from its decimal text', () => {
    expect(hex(new BinaryCopyWriter().int8('9007199254740993'))).toBe('00000008' + '0020000000000001');
    expect(hex(new BinaryCopyWriter().int4(-2))).toBe('00000004' + 'fffffffe');
    expect(hex(new BinaryCopyWriter().int2(6))).toBe('00000002' + '0006');
  });

  it('writes timestamps as microseconds since 2000-01-01 UTC', () => {
    expect(hex(new BinaryCopyWriter().timestamptz(new Date(Date.UTC(2000, 0, 1))))).toBe('00000008' + '0000000000000000');
    expect(hex(new BinaryCopyWriter().timestamptz(new Date(Date.UTC(2000, 0, 1, 0, 0, 1, 500))))).toBe('00000008' + '000000000016e360');
    expect(hex(new BinaryCopyWriter().timestamptz(new Date(Date.UTC(1999, 11, 31, 23, 59, 59))))).toBe('00000008' + 'fffffffffff0bdc0');
  });

  it('writes text as UTF-8 with its byte length', () => {
    expect(hex(new BinaryCopyWriter().text('é\t'))).toBe('00000003' + 'c3a909');
  });

  it('writes addresses in inet send format (family, bits, is_cidr, length, bytes)', () => {
    expect(inetBytes('198.18.0.1').toString('hex')).toBe('02' + '20' + '00' + '04' + 'c6120001');
    expect(inetBytes('2001:db8::1').toString('hex')).toBe('03' + '80' + '00' + '10' + '20010db8000000000000000000000001');
    expect(() => inetBytes('not-an-ip')).toThrow(TypeError);
  });

  it('writes dotted quads without the address cache, byte for byte as the cached encoding, and refuses the rest', () => {
    for (const address of ['198.18.0.1', '0.0.0.0', '255.255.255.255', '10.200.3.45', '2001:db8::1']) {
      expect(hex(new BinaryCopyWriter().inet(address))).toBe(`000000${inetBytes(address).length.toString(16).padStart(2, '0')}${inetBytes(address).toString('hex')}`);
    }
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.04', '1..2.3', '1.2.3.4 ', '1.2.3.-4', '1.2.3.1234']) {
      expect(() => new BinaryCopyWriter().inet(bad)).toThrow(TypeError);
    }
  });

  it('writes uuids as their 16 bytes and refuses anything else', () => {
    expect(hex(new BinaryCopyWriter().uuid('00112233-4455-6677-8899-aabbccddeeff'))).toBe('00000010' + '00112233445566778899aabbccddeeff');
    expect(() => new BinaryCopyWriter().uuid('0011')).toThrow(TypeError);
    // again, from the encodings kept
    expect(hex(new BinaryCopyWriter().uuid('00112233-4455-6677-8899-aabbccddeeff'))).toBe('00000010' + '00112233445566778899aabbccddeeff');
    expect(() => new BinaryCopyWriter().uuid('0011')).toThrow(TypeError);
  });

  it('writes one-dimensional float arrays with their element type, NaN and Infinity as values', () => {
    const f8 = hex(new BinaryCopyWriter().float8Array(new Float64Array([1, NaN])));
    expect(f8).toBe('0000002c' + '00000001' + '00000000' + '000002bd' + '00000002' + '00000001' + '00000008' + '3ff0000000000000' + '00000008' + '7ff8000000000000');
    const f4 = hex(new BinaryCopyWriter().float4Array(new Float32Array([-Infinity])));
    expect(f4).toBe('0000001c' + '00000001' + '00000000' + '000002bc' + '00000001' + '00000001' + '00000004' + 'ff800000');
    expect(hex(new BinaryCopyWriter().float8Array([]))).toBe('0000000c' + '00000000' + '00000000' + '000002bd');
  });

  it('grows its buffer as rows are added', () => {
    const w = new BinaryCopyWriter(8);
    for (let i = 0; i < 1000; i++) w.float8Array(new Float64Array(80).fill(i));
    expect(w.length).toBe(1000 * (4 + 20 + 80 * 12));
    expect(w.bytes().readDoubleBE(w.length - 8)).toBe(999);
  });
});
