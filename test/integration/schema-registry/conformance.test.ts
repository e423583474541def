/**
 * The local registry against clients we did not write: Confluent's JavaScript client and serdes
 * (@confluentinc/schemaregistry) and Python's confluent-kafka SchemaRegistryClient with its serializers.
 * Each serializes and deserializes through the registry, and each reads what the other wrote.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { create, createFileRegistry, createMutableRegistry, type DescMessage } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  RestError,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { CONFLUENT_KAFKA } from '../../support/peers.js';
import { pythonTool } from '../../support/python-tools.js';
import { SMALL_ORDER } from '../../support/schemas.js';
import { startTestRegistry } from './harness.js';

const run = promisify(execFile);

const { avro: AVRO, jsonSchema: JSON_SCHEMA } = SMALL_ORDER;

/** shop.Order as protoc would describe it, without generated code. */
function orderMessage(fileName: string): DescMessage {
  const file = create(FileDescriptorProtoSchema, {
    name: fileName,
    package: 'shop',
    syntax: 'proto3',
    messageType: [
      {
        name: 'Order',
        field: [
          {
            name: 'id',
            number: 1,
            type: FieldDescriptorProto_Type.STRING,
            label: FieldDescriptorProto_Label.OPTIONAL,
            jsonName: 'id',
          },
          {
            name: 'cents',
            number: 2,
            type: FieldDescriptorProto_Type.INT64,
            label: FieldDescriptorProto_Label.OPTIONAL,
            jsonName: 'cents',
          },
        ],
      },
    ],
  });
  const message = createFileRegistry(file, () => undefined).getMessage('shop.Order');
  if (!message) throw new Error('shop.Order not built');
  return message;
}

const order = { id: 'o-1', cents: 1250 };

describe('conformance with Confluent clients', () => {
  let url: string;
  let client: SchemaRegistryClient;
  let python: string;
  const prefix = `conf${Date.now().toString(36)}`;

  // The first run installs confluent-kafka and its serializers' dependencies from PyPI.
  beforeAll(async () => {
    ({ url } = await startTestRegistry(inject('kafkaBrokers')));
    client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
    python = join(await pythonTool('confluent-kafka', CONFLUENT_KAFKA), 'python');
  }, 300_000);

  it("serves the JavaScript client's REST calls", async () => {
    // Prepare
    const subject = `${prefix}-js-client`;
    const v2 = JSON.stringify({
      ...JSON.parse(AVRO),
      fields: [...JSON.parse(AVRO).fields, { name: 'note', type: 'string', default: '' }],
    });
    const bad = JSON.stringify({ ...JSON.parse(AVRO), fields: [{ name: 'id', type: 'int' }] });

    // Act
    const id = await client.register(subject, { schemaType: 'AVRO', schema: AVRO });
    const fetched = await client.getBySubjectAndId(subject, id);
    const lookedUp = await client.getId(subject, { schemaType: 'AVRO', schema: AVRO });
    const version = await client.getVersion(subject, { schemaType: 'AVRO', schema: AVRO });
    const latest = await client.getLatestSchemaMetadata(subject);
    const compatible = await client.testSubjectCompatibility(subject, { schemaType: 'AVRO', schema: v2 });
    const incompatible = await client.testCompatibility(subject, 1, { schemaType: 'AVRO', schema: bad });
    const level = await client.updateCompatibility(subject, 'FULL' as never);
    const readLevel = await client.getCompatibility(subject);
    const second = await client.register(subject, { schemaType: 'AVRO', schema: v2 });
    const versions = await client.getAllVersions(subject);
    const refused = await client
      .register(subject, { schemaType: 'AVRO', schema: bad })
      .catch((error: unknown) => error);
    const subjects = await client.getAllSubjects();
    const deletedVersion = await client.deleteSubjectVersion(subject, 1);
    const deleted = await client.deleteSubject(subject);
    const purged = await client.deleteSubject(subject, true);

    // Assess
    expect(JSON.parse(fetched.schema)).toEqual(JSON.parse(AVRO));
    expect([lookedUp, version, latest.version, latest.id]).toEqual([id, 1, 1, id]);
    expect([compatible, incompatible]).toEqual([true, false]);
    expect([level, readLevel]).toEqual(['FULL', 'FULL']);
    expect(second).not.toBe(id);
    expect(versions).toEqual([1, 2]);
    expect(refused).toBeInstanceOf(RestError);
    expect((refused as RestError).errorCode).toBe(409);
    expect(subjects).toContain(subject);
    expect([deletedVersion, deleted, purged]).toEqual([1, [2], [1, 2]]);
  });

  it('round-trips records through the JavaScript serdes and the Python ones, each reading the other', async () => {
    // Prepare: the JavaScript side writes first.
    const topic = (format: string) => `${prefix}-${format}`;
    await client.register(`${topic('avro')}-value`, { schemaType: 'AVRO', schema: AVRO });
    await client.register(`${topic('json')}-value`, { schemaType: 'JSON', schema: JSON_SCHEMA });
    const message = orderMessage(`${prefix}/js/order.proto`);
    const protobufSerializer = new ProtobufSerializer(client, SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(message),
    });
    const written = {
      avro: await new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(
        topic('avro'),
        order,
      ),
      json: await new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(
        topic('json'),
        order,
      ),
      protobuf: await protobufSerializer.serialize(
        topic('protobuf'),
        create(message, { id: 'o-1', cents: 1250n }),
      ),
    };

    // Act: Python reads those and writes its own; JavaScript reads both.
    const { stdout } = await run(
      python,
      [
        join(repositoryRoot, 'test', 'support', 'peers', 'schema_registry.py'),
        url,
        prefix,
        JSON.stringify(
          Object.fromEntries(Object.entries(written).map(([key, bytes]) => [key, bytes.toString('hex')])),
        ),
      ],
      { timeout: 120_000 },
    );
    const peer = JSON.parse(stdout) as Record<string, any>;
    const read = {
      avro: new AvroDeserializer(client, SerdeType.VALUE, {}),
      json: new JsonDeserializer(client, SerdeType.VALUE, {}),
      protobuf: new ProtobufDeserializer(client, SerdeType.VALUE, {}),
    };
    const fromPython = {
      avro: await read.avro.deserialize(topic('avro'), Buffer.from(peer.avro.hex, 'hex')),
      json: await read.json.deserialize(topic('json'), Buffer.from(peer.json.hex, 'hex')),
      protobuf: await read.protobuf.deserialize(topic('protobuf'), Buffer.from(peer.protobuf.hex, 'hex')),
    };
    const ownProtobuf = await read.protobuf.deserialize(topic('protobuf'), written.protobuf);

    // Assess: Python's own REST calls.
    expect(peer).toMatchObject({
      register_again: peer.register,
      lookup: { id: peer.register, version: 1 },
      compatible: true,
      incompatible: false,
      set_compatibility: { compatibility: 'FULL' },
      get_compatibility: 'FULL',
      versions: [1, 2],
      register_bad: { status: 409, code: 409 },
      invalid: { status: 422, code: 42201 },
      missing_subject: { status: 404, code: 40401 },
      delete_version: 1,
      delete_subject: [2],
      delete_permanent: [1, 2],
    });
    // Each client reads its own records and the other's.
    for (const format of ['avro', 'json', 'protobuf']) {
      expect(peer[format].roundtrip).toEqual(order);
      expect(peer[format].peer).toEqual(order);
    }
    expect(fromPython.avro).toEqual({ id: 'o-1', cents: 1250 });
    expect(fromPython.json).toEqual(order);
    expect(fromPython.protobuf).toMatchObject({ id: 'o-1', cents: 1250n });
    expect(ownProtobuf).toMatchObject({ id: 'o-1', cents: 1250n });
  });

  it('returns Confluent error codes the JavaScript client surfaces', async () => {
    // Act
    const missing = await client
      .getLatestSchemaMetadata(`${prefix}-nothing`)
      .catch((error: unknown) => error);
    const invalid = await client
      .register(`${prefix}-invalid`, { schemaType: 'PROTOBUF', schema: 'message {' })
      .catch((error: unknown) => error);

    // Assess
    expect((missing as RestError).errorCode).toBe(40401);
    expect((invalid as RestError).errorCode).toBe(42201);
  });
});
