/**
 * Byte-level reading and writing of Kafka's primitive types (big-endian integers, zig-zag varints,
 * length-prefixed strings and bytes, UUIDs) as the protocol guide defines them:
 * https://kafka.apache.org/protocol#protocol_types
 *
 * int64 values are JavaScript numbers: exact below 2^53 (every offset, timestamp and producer id a broker
 * of this size meets); larger magnitudes (Long.MAX_VALUE as a "no limit" marker) are read approximately
 * and written clamped to the int64 range.
 */

/** A malformed or truncated request: the broker answers it with Kafka's INVALID_REQUEST or CORRUPT_MESSAGE. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const TWO_32 = 2 ** 32;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Reads primitives from a buffer, front to back; throws ProtocolError past the end. */
export class Reader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private take(bytes: number): number {
    const at = this.offset;
    if (bytes < 0 || at + bytes > this.end)
      throw new ProtocolError(`truncated: ${bytes} bytes needed at ${at}`);
    this.offset = at + bytes;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.take(1));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  uint16(): number {
    return this.buffer.readUInt16BE(this.take(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }

  int64(): number {
    const at = this.take(8);
    return this.buffer.readInt32BE(at) * TWO_32 + this.buffer.readUInt32BE(at + 4);
  }

  float64(): number {
    return this.buffer.readDoubleBE(this.take(8));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  /** Unsigned LEB128 varint of at most 32 bits. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer[this.take(1)] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new ProtocolError('varint longer than 5 bytes');
  }

  /** Zig-zag varint of at most 32 bits. */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Zig-zag varlong (record timestamps and offsets deltas); exact below 2^53. */
  varlong(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = this.buffer[this.take(1)] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  raw(bytes: number): Buffer {
    const at = this.take(bytes);
    return this.buffer.subarray(at, at + bytes);
  }

  uuid(): string {
    return this.raw(16).toString('hex');
  }

  private text(length: number): string {
    const at = this.take(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new ProtocolError('null string where a string is required');
    return this.text(length);
  }

  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.text(length);
  }

  compactString(): string {
    const length = this.uvarint() - 1;
    if (length < 0) throw new ProtocolError('null string where a string is required');
    return this.text(length);
  }

  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.text(length);
  }

  bytes(): Buffer {
    const length = this.int32();
    if (length < 0) throw new ProtocolError('null bytes where bytes are required');
    return this.raw(length);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    return length < 0 ? null : this.raw(length);
  }

  compactBytes(): Buffer {
    const length = this.uvarint() - 1;
    if (length < 0) throw new ProtocolError('null bytes where bytes are required');
    return this.raw(length);
  }

  compactNullableBytes(): Buffer | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.raw(length);
  }

  /** Skips a tagged-field section (KIP-482); this broker reads no tagged field. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
}

/** Appends primitives to a growing buffer. */
export class Writer {
  private buffer: Buffer;
  offset = 0;

  constructor(initialSize = 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private reserve(bytes: number): number {
    const at = this.offset;
    if (at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, at + bytes));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.offset = at + bytes;
    return at;
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  int8(value: number): this {
    const at = this.reserve(1);
    this.buffer.writeInt8(value, at);
    return this;
  }

  int16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeInt16BE(value, at);
    return this;
  }

  uint16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeUInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  uint32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeUInt32BE(value, at);
    return this;
  }

  /** Writes an int32 at an earlier position (a length or CRC filled in afterwards). */
  int32At(position: number, value: number): this {
    this.buffer.writeInt32BE(value, position);
    return this;
  }

  uint32At(position: number, value: number): this {
    this.buffer.writeUInt32BE(value, position);
    return this;
  }

  int64(value: number): this {
    const at = this.reserve(8);
    if (Number.isSafeInteger(value)) {
      const high = Math.floor(value / TWO_32);
      this.buffer.writeInt32BE(high, at);
      this.buffer.writeUInt32BE(value - high * TWO_32, at + 4);
    } else {
      let big = BigInt(Math.trunc(Number.isFinite(value) ? value : Math.sign(value) * 2 ** 63));
      if (big > INT64_MAX) big = INT64_MAX;
      if (big < INT64_MIN) big = INT64_MIN;
      this.buffer.writeBigInt64BE(big, at);
    }
    return this;
  }

  float64(value: number): this {
    const at = this.reserve(8);
    this.buffer.writeDoubleBE(value, at);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  uvarint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      const at = this.reserve(1);
      this.buffer[at] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    const at = this.reserve(1);
    this.buffer[at] = rest;
    return this;
  }

  varint(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  varlong(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  uuid(hex: string): this {
    const bytes = Buffer.from(hex, 'hex');
    if (bytes.length !== 16) throw new Error(`not a 16-byte UUID: ${hex}`);
    return this.raw(bytes);
  }

  private text(value: string, length: number): this {
    const at = this.reserve(length);
    this.buffer.write(value, at, length, 'utf8');
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value);
    return this.int16(length).text(value, length);
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  compactString(value: string): this {
    const length = Buffer.byteLength(value);
    return this.uvarint(length + 1).text(value, length);
  }

  compactNullableString(value: string | null): this {
    return value === null ? this.uvarint(0) : this.compactString(value);
  }

  bytes(value: Uint8Array): this {
    return this.int32(value.length).raw(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  compactBytes(value: Uint8Array): this {
    return this.uvarint(value.length + 1).raw(value);
  }

  compactNullableBytes(value: Uint8Array | null): this {
    return value === null ? this.uvarint(0) : this.compactBytes(value);
  }

  /** An empty tagged-field section. */
  noTaggedFields(): this {
    return this.uvarint(0);
  }
}
