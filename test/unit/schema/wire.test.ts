import { SchemaId } from '@confluentinc/schemaregistry';
import { describe, expect, it } from 'vitest';
import { readWireHeader, WireFormatError, wireHeader } from '../../../src/shared/schema/wire.js';

/** Confluent's JavaScript serdes are the oracle for the framing. */
describe('Confluent wire format', () => {
  it.each([
    ['Avro or JSON Schema', 7, undefined],
    ['the first Protobuf message', 1, [0]],
    ['a nested Protobuf message', 65_536, [2, 0]],
    ['a deep Protobuf message', 2_147_483_647, [1, 200, 3, 70_000]],
  ])('frames %s as Confluent does, and reads it back', (_, id, indexes) => {
    // Prepare
    const theirs = new SchemaId(indexes ? 'PROTOBUF' : 'AVRO', id, undefined, indexes).idToBytes();

    // Act
    const ours = wireHeader(id, indexes);
    const read = readWireHeader(Buffer.concat([ours, Buffer.from('payload')]), indexes !== undefined);

    // Assess
    expect(ours).toEqual(theirs);
    expect(read).toEqual({ schemaId: id, messageIndexes: indexes, payloadOffset: ours.length });
  });

  it('refuses bytes that are not framed', () => {
    expect(() => readWireHeader(Buffer.from('{"a":1}'), false)).toThrow(WireFormatError);
    expect(() => readWireHeader(Buffer.from([0, 0, 0]), false)).toThrow(WireFormatError);
    expect(() => readWireHeader(Buffer.from([0, 0, 0, 0, 1, 0x04]), true)).toThrow(WireFormatError);
  });
});
