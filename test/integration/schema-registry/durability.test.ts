/**
 * Schemas survive a restart: the registry keeps them in a compacted topic in Confluent's record format,
 * written with acks=all before it answers, and read whole at start-up.
 */
import { describe, expect, inject, it } from 'vitest';
import { ConfigResourceTypes } from '../../../src/shared/kafka/kafkajs.js';
import { testConnection } from '../../support/kafka.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { startTestRegistry } from './harness.js';

const V1 = 'application/vnd.schemaregistry.v1+json';

async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': V1 },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const avro = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields });

describe('schema registry storage', () => {
  it('comes back after a restart with the same subjects, versions, ids, configs and deletes', async () => {
    // Prepare
    const bootstrap = inject('kafkaBrokers');
    const first = await startTestRegistry(bootstrap);
    const url = first.url;
    const v1 = await call(url, 'POST', '/subjects/orders-value/versions', {
      schema: avro([{ name: 'id', type: 'string' }]),
    });
    const v2 = await call(url, 'POST', '/subjects/orders-value/versions', {
      schema: avro([
        { name: 'id', type: 'string' },
        { name: 'cents', type: 'long', default: 0 },
      ]),
    });
    const proto = await call(url, 'POST', '/subjects/lines-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; package shop; message Line { string sku = 1; }',
    });
    const json = await call(url, 'POST', '/subjects/notes-value/versions', {
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"text":{"type":"string"}}}',
    });
    await call(url, 'PUT', '/config/orders-value', { compatibility: 'FULL' });
    await call(url, 'DELETE', '/subjects/notes-value');
    await call(url, 'DELETE', '/subjects/orders-value/versions/1');
    await call(url, 'DELETE', '/subjects/orders-value/versions/1?permanent=true');
    await first.stop();

    // Act
    const second = await startTestRegistry(bootstrap, first.topic);
    const versions = await call(second.url, 'GET', '/subjects/orders-value/versions?deleted=true');
    const latest = await call(second.url, 'GET', '/subjects/orders-value/versions/latest');
    const config = await call(second.url, 'GET', '/config/orders-value');
    const line = await call(second.url, 'GET', `/schemas/ids/${proto.body.id}`);
    const subjects = await call(second.url, 'GET', '/subjects');
    const deletedSubjects = await call(second.url, 'GET', '/subjects?deletedOnly=true');
    const sameAgain = await call(second.url, 'POST', '/subjects/lines-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; package shop; message Line { string sku = 1; }',
    });
    const next = await call(second.url, 'POST', '/subjects/other-value/versions', { schema: '"string"' });

    // Assess
    expect(versions.body).toEqual([2]);
    expect(latest.body).toMatchObject({ version: 2, id: v2.body.id });
    expect(config.body).toEqual({ compatibilityLevel: 'FULL' });
    expect(line.body.schemaType).toBe('PROTOBUF');
    expect(subjects.body).toEqual(['lines-value', 'orders-value']);
    expect(deletedSubjects.body).toEqual(['notes-value']);
    expect(sameAgain.body).toMatchObject({ id: proto.body.id, version: 1 });
    expect(next.body.id).toBeGreaterThan(Math.max(v1.body.id, v2.body.id, proto.body.id, json.body.id));
  });

  it("writes Confluent's _schemas records to a compacted single-partition topic, as kafka-python reads them", async () => {
    // Prepare
    const bootstrap = inject('kafkaBrokers');
    const registry = await startTestRegistry(bootstrap);

    // Act
    const registered = await call(registry.url, 'POST', '/subjects/s-value/versions', { schema: '"string"' });
    await call(registry.url, 'PUT', '/config', { compatibility: 'NONE' });
    await call(registry.url, 'DELETE', '/subjects/s-value');
    const records = await readWithKafkaPython(bootstrap, registry.topic, 3);
    const admin = await testConnection(bootstrap).admin();
    const [metadata, configs] = await Promise.all([
      admin.fetchTopicMetadata({ topics: [registry.topic] }),
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: registry.topic, configNames: ['cleanup.policy'] },
        ],
      }),
    ]);
    await admin.disconnect();

    // Assess
    const decode = (base64: string | null) =>
      JSON.parse(base64 === null ? 'null' : Buffer.from(base64, 'base64').toString());
    expect(records.map((record) => [decode(record.key), decode(record.value)])).toEqual([
      [
        { keytype: 'SCHEMA', subject: 's-value', version: 1, magic: 1 },
        {
          subject: 's-value',
          version: 1,
          id: registered.body.id,
          schemaType: 'AVRO',
          references: [],
          schema: '"string"',
          deleted: false,
        },
      ],
      [
        { keytype: 'CONFIG', subject: null, magic: 0 },
        { subject: null, compatibilityLevel: 'NONE' },
      ],
      [
        { keytype: 'DELETE_SUBJECT', subject: 's-value', magic: 0 },
        { subject: 's-value', version: 1 },
      ],
    ]);
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
  });
});
