/** The Lambda event built from kafkajs records (docs: with-msk-process). */
import { describe, expect, it } from 'vitest';
import {
  buildEvent,
  messageSize,
  PAYLOAD_LIMIT_BYTES,
  recordSize,
  signedBytes,
  toEventRecord,
} from '../../../../src/serverless-kafka-events/emulate/event.js';

describe('event building', () => {
  it('turns bytes into Java-style signed bytes', () => {
    // Act
    const bytes = signedBytes(Buffer.from('aë'));

    // Assess
    expect(bytes).toEqual([97, -61, -85]);
  });

  it('lists each occurrence of a repeated header and keeps the log-append timestamp type', () => {
    // Act
    const record = toEventRecord('t', 2, {
      offset: '7',
      timestamp: '1700000000000',
      key: null,
      value: Buffer.from('v'),
      headers: { h: [Buffer.from('1'), Buffer.from('2')] },
      timestampType: 'LOG_APPEND_TIME',
    });

    // Assess
    expect(record).toEqual({
      topic: 't',
      partition: 2,
      offset: 7,
      timestamp: 1700000000000,
      timestampType: 'LOG_APPEND_TIME',
      value: 'dg==',
      headers: [{ h: [49] }, { h: [50] }],
    });
  });

  it('groups by topic-partition in the order given', () => {
    // Prepare
    const at = (partition: number, offset: number) =>
      toEventRecord('t', partition, {
        offset: String(offset),
        timestamp: '0',
        timestampType: 'CREATE_TIME',
        key: null,
        value: null,
        headers: {},
      });

    // Act
    const event = buildEvent({ eventSource: 'SelfManagedKafka', bootstrapServers: 'a:1,b:2' }, [
      at(1, 5),
      at(0, 3),
      at(1, 6),
    ]);

    // Assess
    expect(Object.keys(event.records)).toEqual(['t-1', 't-0']);
    expect(event.records['t-1']?.map((record) => record.offset)).toEqual([5, 6]);
    expect(event).not.toHaveProperty('eventSourceArn');
  });

  it('bounds what a record adds to the serialized event from above', () => {
    // Prepare
    const record = toEventRecord('topic', 0, {
      offset: '1',
      timestamp: '0',
      timestampType: 'CREATE_TIME',
      key: Buffer.from('k'),
      value: Buffer.alloc(1000, 1),
      headers: {},
    });
    const envelope = { eventSource: 'aws:kafka' as const, bootstrapServers: 'b:9092' };

    // Act
    const exact = Buffer.byteLength(JSON.stringify(buildEvent(envelope, [record])));
    const bounded = Buffer.byteLength(JSON.stringify(buildEvent(envelope, []))) + recordSize(record);

    // Assess
    expect(bounded).toBeGreaterThanOrEqual(exact);
    expect(PAYLOAD_LIMIT_BYTES).toBe(6_291_456);
  });
});

describe('messageSize', () => {
  it.each([
    [
      'a keyed record with headers',
      {
        key: Buffer.from('key-1'),
        value: Buffer.alloc(1000, 7),
        headers: { h: [Buffer.from('ë'), Buffer.from('2')], 'x"y': Buffer.from('') },
      },
    ],
    ['a keyless record', { key: null, value: Buffer.from('{"a":1}') }],
    ['a tombstone', { key: Buffer.from('k'), value: null }],
    ['values of every length modulo 3', { key: Buffer.alloc(4), value: Buffer.alloc(5) }],
  ])('is the recordSize of %s without encoding it', (_name, fields) => {
    // Prepare
    const message = {
      offset: '3',
      timestamp: '1700000000000',
      timestampType: 'CREATE_TIME' as const,
      headers: {},
      ...fields,
    };

    // Act
    const size = messageSize('events', message);

    // Assess
    expect(size).toBe(recordSize(toEventRecord('events', 1, message)));
  });
});
