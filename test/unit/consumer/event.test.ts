import { describe, expect, it } from 'vitest';
import { parseKafkaEvent } from '../../../src/shared/consumer/event.js';
import { mskEvent, selfManagedEvent } from '../../support/kafka-events.js';

describe('parseKafkaEvent', () => {
  it.each([
    ['aws:kafka (MSK)', mskEvent({ records: [{ topic: 'events', offset: 1, value: 'a' }] })],
    ['SelfManagedKafka', selfManagedEvent({ records: [{ topic: 'events', offset: 1, value: 'a' }] })],
    [
      'aws:SelfManagedKafka (older docs)',
      selfManagedEvent({
        records: [{ topic: 'events', offset: 1, value: 'a' }],
        eventSource: 'aws:SelfManagedKafka',
      }),
    ],
  ])('accepts %s', (_, event) => {
    // Act
    const partitions = parseKafkaEvent(event);

    // Assess
    expect([...partitions.keys()]).toEqual(['events-0']);
    expect(partitions.get('events-0')?.[0]?.offset).toBe(1);
  });

  it('groups several partitions and topics, each in offset order', () => {
    // Prepare
    const event = mskEvent({
      records: [
        { topic: 'events', partition: 2, offset: 9, value: 'c' },
        { topic: 'events', partition: 0, offset: 4, value: 'a' },
        { topic: 'events', partition: 2, offset: 7, value: 'b' },
        { topic: 'events-2', partition: 0, offset: 1, value: 'd' },
      ],
    });

    // Act
    const partitions = parseKafkaEvent(event);

    // Assess
    expect(
      Object.fromEntries([...partitions].map(([name, records]) => [name, records.map((r) => r.offset)])),
    ).toEqual({
      'events-2': [7, 9],
      'events-0': [4],
      // A topic whose name ends in "-2" is still told apart: grouping uses the records' own fields.
      'events-2-0': [1],
    });
  });

  it('accepts schema-registry metadata, a missing key and both tombstone forms', () => {
    // Prepare
    const event = selfManagedEvent({
      records: [
        {
          topic: 't',
          offset: 0,
          value: { a: 1 },
          valueSchemaMetadata: { dataFormat: 'JSON', schemaId: 'abc' },
        },
        { topic: 't', offset: 1, key: 'k', value: null },
        { topic: 't', offset: 2 },
      ],
    });

    // Act
    const records = parseKafkaEvent(event).get('t-0') ?? [];

    // Assess
    expect(records).toHaveLength(3);
    expect('key' in (records[0] ?? {})).toBe(false);
    expect(records[1]?.value).toBeNull();
    expect(records[2]?.value).toBeUndefined();
  });

  it.each([
    ['an unknown eventSource', { ...mskEvent({ records: [] }), eventSource: 'aws:sqs' }],
    ['no records', { eventSource: 'aws:kafka' }],
    [
      'header bytes outside -128..127',
      {
        eventSource: 'SelfManagedKafka',
        records: {
          't-0': [
            {
              topic: 't',
              partition: 0,
              offset: 0,
              timestamp: 0,
              timestampType: 'CREATE_TIME',
              headers: [{ h: [200] }],
            },
          ],
        },
      },
    ],
  ])('rejects %s as INVALID_EVENT', (_, event) => {
    // Act / Assess
    expect(() => parseKafkaEvent(event)).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
  });
});
