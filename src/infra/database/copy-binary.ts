import { parseIpv4Bytes, parseIpv6Bytes } from '../../core/net/ip-bytes';
import { canonicalIpv4Value } from '../../core/net/ip-target';

/**
 * An encoder for PostgreSQL's binary COPY format (`COPY … FROM STDIN WITH (FORMAT binary)`): a signature header,
 * then per row a 16-bit field count and each field as a 32-bit length (-1 for NULL) followed by the value in the
 * type's binary send format, then a -1 trailer. Binary COPY does not convert types: each field must be written
 * in exactly the column's type (int2/int4/int8, float4/float8, the element type of an array).
 *
 * Floats travel as their IEEE bits: the server parses no decimal text (for rows of some 260 floats that parsing was
 * most of COPY's cost), and a `real` feature is stored as exactly the Float32 the model computed.
 */
export class BinaryCopyWriter {
  private buffer: Buffer;
  /** The same memory as `buffer`: DataView's big-endian writes compile to a few instructions, Buffer's do not. */
  private view: DataView;
  private position = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  get length(): number {
    return this.position;
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  header(): this {
    this.reserve(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buffer, this.position);
    this.position += SIGNATURE.length;
    this.view.setInt32(this.position, 0); // flags: no OIDs
    this.view.setInt32(this.position + 4, 0); // header extension length
    this.position += 8;
    return this;
  }

  trailer(): this {
    return this.int16(-1);
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): this {
    return this.int16(fields);
  }

  /** Appends bytes encoded elsewhere (fields of a row written by another writer). */
  raw(bytes: Buffer): this {
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.position);
    this.position += bytes.length;
    return this;
  }

  null(): this {
    return this.int32(-1);
  }

  /** `bigint` from its decimal text (ids arrive from PostgreSQL as strings). */
  int8(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    this.int32(8).reserve(8);
    this.view.setBigInt64(this.position, BigInt(value));
    this.position += 8;
    return this;
  }

  int4(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    return this.int32(4).int32(value);
  }

  int2(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    return this.int32(2).int16(value);
  }

  float4(value: number | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    this.int32(4).reserve(4);
    this.view.setFloat32(this.position, value);
    this.position += 4;
    return this;
  }

  /** `text` / `varchar` as UTF-8. */
  text(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    const length = Buffer.byteLength(value);
    this.int32(length).reserve(length);
    this.buffer.write(value, this.position, length, 'utf8');
    this.position += length;
    return this;
  }

  /** `timestamptz`: microseconds since 2000-01-01 00:00 UTC. */
  timestamptz(value: Date | null | undefined): this {
    if (!value) return this.null();
    this.int32(8).reserve(8);
    this.view.setBigInt64(this.position, BigInt(value.getTime() - POSTGRES_EPOCH_MS) * 1000n);
    this.position += 8;
    return this;
  }

  /** `inet` host address (IPv4 dotted quad or IPv6), as the validated flow carries it. */
  inet(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    if (this.ipv4(value)) return this;
    const bytes = inetBytes(value);
    return this.int32(bytes.length).raw(bytes);
  }

  /** `uuid` from its canonical text. */
  uuid(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    return this.int32(16).raw(uuidBytes(value));
  }

  /** `double precision[]` (one dimension; NaN and ±Infinity are float values, not NULLs). */
  float8Array(values: ArrayLike<number> | null | undefined): this {
    return this.floatArray(values, FLOAT8_OID, 8);
  }

  /** `real[]` (one dimension). */
  float4Array(values: ArrayLike<number> | null | undefined): this {
    return this.floatArray(values, FLOAT4_OID, 4);
  }

  private floatArray(values: ArrayLike<number> | null | undefined, elementOid: number, size: 4 | 8): this {
    if (!values) return this.null();
    const count = values.length;
    this.arrayHeader(count, elementOid, (4 + size) * count);
    const v = this.view;
    let at = this.position;
    for (let i = 0; i < count; i++) {
      v.setInt32(at, size);
      if (size === 8) v.setFloat64(at + 4, values[i]);
      else v.setFloat32(at + 4, values[i]);
      at += 4 + size;
    }
    this.position = at;
    return this;
  }

  /**
   * The field length and array header (ndim, has-nulls, element type, then size and lower bound), room for the
   * elements.
   */
  private arrayHeader(count: number, elementOid: number, elementBytes: number): void {
    const headerBytes = count === 0 ? 12 : 20;
    this.int32(headerBytes + elementBytes).reserve(headerBytes + elementBytes);
    const v = this.view;
    v.setInt32(this.position, count === 0 ? 0 : 1);
    v.setInt32(this.position + 4, 0);
    v.setInt32(this.position + 8, elementOid);
    if (count > 0) {
      v.setInt32(this.position + 12, count);
      v.setInt32(this.position + 16, 1);
    }
    this.position += headerBytes;
  }

  /**
   * Writes an `inet` field straight from a dotted quad as {@link canonicalIpv4Value} reads it (flows mostly carry
   * those); false, having written nothing, for anything else.
   */
  private ipv4(text: string): boolean {
    const address = canonicalIpv4Value(text);
    if (address < 0) return false;
    this.int32(8).reserve(8);
    const v = this.view;
    v.setUint8(this.position, PGSQL_AF_INET);
    v.setUint8(this.position + 1, 32);
    v.setUint8(this.position + 2, 0);
    v.setUint8(this.position + 3, 4);
    v.setUint32(this.position + 4, address);
    this.position += 8;
    return true;
  }

  private int32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.position, value);
    this.position += 4;
    return this;
  }

  private int16(value: number): this {
    this.reserve(2);
    this.view.setInt16(this.position, value);
    this.position += 2;
    return this;
  }

  private reserve(bytes: number): this {
    if (this.position + bytes <= this.buffer.length) return this;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
    return this;
  }
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const FLOAT4_OID = 700;
const FLOAT8_OID = 701;
/** `inet`'s address families on the wire (PGSQL_AF_INET = AF_INET + 0, PGSQL_AF_INET6 = AF_INET + 1). */
const PGSQL_AF_INET = 2;
const PGSQL_AF_INET6 = 3;

/** A flow batch repeats the same few addresses: their encodings are kept (bounded). */
const inetCache = new Map<string, Buffer>();
const INET_CACHE_SIZE = 4096;

/** A batch's flows share one sensor id: its encoding is kept (bounded). */
const uuidCache = new Map<string, Buffer>();
const UUID_CACHE_SIZE = 256;

function uuidBytes(value: string): Buffer {
  const cached = uuidCache.get(value);
  if (cached) return cached;
  const hex = value.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a uuid: ${value}`);
  const bytes = Buffer.from(hex, 'hex');
  if (uuidCache.size >= UUID_CACHE_SIZE) uuidCache.clear();
  uuidCache.set(value, bytes);
  return bytes;
}

/** `inet` send format: family, prefix bits, is-cidr flag, address length, address bytes. */
export function inetBytes(address: string): Buffer {
  const cached = inetCache.get(address);
  if (cached) return cached;
  const v4 = address.includes(':') ? null : parseIpv4Bytes(address);
  const bytes = v4 ?? parseIpv6Bytes(address);
  if (!bytes) throw new TypeError(`not an IP address: ${address}`);
  const family = v4 ? PGSQL_AF_INET : PGSQL_AF_INET6;
  const encoded = Buffer.from([family, bytes.length * 8, 0, bytes.length, ...bytes]);
  if (inetCache.size >= INET_CACHE_SIZE) inetCache.clear();
  inetCache.set(address, encoded);
  return encoded;
}
