/**
 * Confluent's wire format for schema-registry serialized keys and values: magic byte 0, the schema id as a
 * 4-byte big-endian integer, for Protobuf the message indexes, then the payload (Avro binary, Protobuf
 * binary, or UTF-8 JSON for JSON Schema). Message indexes locate the message type in its .proto file: the
 * path of indexes from a top-level message down through nested ones, written as a zigzag varint count
 * followed by zigzag varints, with the common `[0]` (the file's first message) shortened to a single 0 byte.
 * Spec: Confluent's "Wire format" (schema-registry serdes documentation).
 */

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** A record's schema id and (Protobuf) message indexes, and where its payload starts. */
export interface WireHeader {
  schemaId: number;
  /** Protobuf only; undefined for Avro and JSON Schema. */
  messageIndexes: number[] | undefined;
  payloadOffset: number;
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** The bytes before the payload: magic byte, schema id and, when given, the message indexes. */
export function wireHeader(schemaId: number, messageIndexes?: readonly number[]): Buffer {
  const indexes =
    messageIndexes === undefined
      ? []
      : messageIndexes.length === 1 && messageIndexes[0] === 0
        ? [0]
        : [messageIndexes.length, ...messageIndexes].flatMap((index) => varint(zigzag(index)));
  const header = Buffer.alloc(HEADER_BYTES + indexes.length);
  header[0] = MAGIC_BYTE;
  header.writeUInt32BE(schemaId, 1);
  header.set(indexes, HEADER_BYTES);
  return header;
}

/**
 * `bytes` without the magic byte and schema id: what Lambda's SOURCE record format delivers ("Lambda removes
 * all schema metadata, such as the schema ID"). Protobuf message indexes stay, as Powertools' Kafka
 * utilities, which read SOURCE records, expect them. `bytes` must be in the wire format (readWireHeader).
 */
export function withoutSchemaId(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(HEADER_BYTES);
}

/** Why bytes are not in the wire format; what a deserializer reports as a decoding failure. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

/**
 * Reads the header of `bytes`; `protobuf` says whether message indexes follow the schema id. Throws
 * {@link WireFormatError} when the magic byte is not 0 or the bytes end inside the header.
 */
export function readWireHeader(bytes: Uint8Array, protobuf: boolean): WireHeader {
  if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_BYTE) {
    throw new WireFormatError('not in the schema registry wire format (magic byte 0 and a schema id)');
  }
  const schemaId = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(1);
  if (!protobuf) return { schemaId, messageIndexes: undefined, payloadOffset: HEADER_BYTES };
  let offset = HEADER_BYTES;
  const next = (): number => {
    let value = 0;
    for (let shift = 1; ; shift *= 0x80) {
      const byte = bytes[offset++];
      if (byte === undefined || shift > 2 ** 28) throw new WireFormatError('message indexes end early');
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return unzigzag(value);
    }
  };
  const count = next();
  if (count < 0 || count > bytes.length) throw new WireFormatError(`invalid message index count ${count}`);
  const messageIndexes = count === 0 ? [0] : Array.from({ length: count }, next);
  return { schemaId, messageIndexes, payloadOffset: offset };
}
