/**
 * AWS's own sample events (test/fixtures/aws, from the Lambda Developer Guide) as an independent check of
 * the event parser, and of the events the local emulator builds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { buildEvent, toEventRecord } from '../../../src/serverless-kafka-events/emulate/event.js';
import { decodeRecord, rawRecord } from '../../../src/shared/consumer/decode.js';
import {
  type KafkaEvent,
  type KafkaEventRecord,
  parseKafkaEvent,
} from '../../../src/shared/consumer/event.js';

const sample = (name: string) =>
  JSON.parse(
    readFileSync(join(repositoryRoot, 'test', 'fixtures', 'aws', `${name}.json`), 'utf8'),
  ) as KafkaEvent;

describe.each(['msk-event', 'self-managed-kafka-event'])('the AWS sample %s', (name) => {
  const event = sample(name);

  it('parses, and its record decodes to the text and header the sample encodes', async () => {
    // Act
    const partitions = parseKafkaEvent(event);
    const [record] = partitions.get('mytopic-0') ?? [];
    const raw = rawRecord(record as KafkaEventRecord);

    // Assess
    expect([...partitions.keys()]).toEqual(['mytopic-0']);
    expect(raw).toMatchObject({
      topic: 'mytopic',
      partition: 0,
      offset: 15,
      timestamp: 1545084650987,
      timestampType: 'CREATE_TIME',
    });
    expect(raw.value?.toString()).toBe('Hello, this is a test.');
    expect(raw.headers).toEqual({ headerKey: [Buffer.from('headerValue')] });
    expect(raw.key).toEqual(Buffer.from('abcDEFghiJKLmnoPQRstuVWXyz1234==', 'base64'));
    expect(
      await decodeRecord(record as KafkaEventRecord, { value: { format: 'text', schema: z.string() } }),
    ).toMatchObject({
      kind: 'record',
      record: { data: 'Hello, this is a test.' },
    });
  });

  it('has the shape the local emulator builds from the same Kafka record', () => {
    // Prepare
    const { records, ...envelope } = event;
    const [original] = records['mytopic-0'] ?? [];
    const key = Buffer.from(original?.key ?? '', 'base64');

    // Act
    const built = buildEvent(envelope as Parameters<typeof buildEvent>[0], [
      toEventRecord('mytopic', 0, {
        offset: '15',
        timestamp: '1545084650987',
        timestampType: 'CREATE_TIME',
        key,
        value: Buffer.from('Hello, this is a test.'),
        headers: { headerKey: Buffer.from('headerValue') },
      }),
    ]);

    // Assess: the same event; the key is compared as bytes (the sample's is not canonical base64).
    const [builtRecord] = built.records['mytopic-0'] ?? [];
    expect(Buffer.from(builtRecord?.key ?? '', 'base64')).toEqual(key);
    expect({ ...built, records: { 'mytopic-0': [{ ...builtRecord, key: original?.key }] } }).toEqual(event);
  });
});

describe('the 2020 AWS sample, without bootstrapServers and headers', () => {
  it('parses, with no headers', () => {
    const partitions = parseKafkaEvent(sample('msk-event-2020'));

    const [record] = partitions.get('AWSKafkaTopic-0') ?? [];
    const raw = rawRecord(record as KafkaEventRecord);

    expect(raw.headers).toEqual({});
    expect(raw.key?.toString()).toBe('8d5596b4-1813-4238-b24b-6dad8e3d1c0c');
    expect(raw.value?.toString()).toBe('8d5596b4-1813-4238-b24b-6dad8e3d1c0c');
  });
});
