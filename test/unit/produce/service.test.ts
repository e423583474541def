import { describe, expect, it } from 'vitest';
import { BrokerUnavailableError, InvalidRecordError, ServiceError } from '../../../src/shared/errors.js';
import { httpStatus } from '../../../src/shared/http/status.js';
import type {
  OutgoingRecord,
  RecordWriter,
  TopicInfo,
  WriteResult,
} from '../../../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../../../src/shared/produce/config.js';
import { ProduceService } from '../../../src/shared/produce/service.js';

/** A writer that records what it was asked and answers from a script. */
class ScriptedWriter implements RecordWriter {
  written: OutgoingRecord[] = [];
  constructor(
    private readonly answer: (records: OutgoingRecord[]) => WriteResult[],
    private readonly info: Partial<TopicInfo> = {},
  ) {}
  async topicInfo(topic: string): Promise<TopicInfo> {
    return {
      name: topic,
      partitionCount: 3,
      partitions: [],
      maxMessageBytes: 1_048_588,
      compacted: false,
      ...this.info,
    };
  }
  async write(_topic: string, records: OutgoingRecord[]): Promise<WriteResult[]> {
    this.written = records;
    return this.answer(records);
  }
}

const allWritten = (records: OutgoingRecord[]): WriteResult[] =>
  records.map((record, i) => ({
    ok: true,
    partition: 0,
    offset: String(40 + i),
    timestamp: record.timestamp,
  }));

function service(writer: RecordWriter, env: NodeJS.ProcessEnv = {}) {
  return new ProduceService(writer, loadProduceConfig(env));
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

describe('ProduceService', () => {
  it('answers 200 with one entry per record, in order, offsets as strings', async () => {
    // Prepare
    const writer = new ScriptedWriter(allWritten);
    const now = Date.parse('2026-01-02T03:04:05.000Z');

    // Act
    const outcome = await service(writer).produce(
      'events',
      { records: [{ value: { a: 1 } }, { value: 'x', timestamp: 5 }] },
      now,
    );

    // Assess
    expect(outcome).toEqual({
      status: 200,
      body: {
        topic: 'events',
        records: [
          { partition: 0, offset: '40', timestamp: '2026-01-02T03:04:05.000Z' },
          { partition: 0, offset: '41', timestamp: '1970-01-01T00:00:00.005Z' },
        ],
      },
    });
    expect(writer.written.map((r) => r.value?.toString())).toEqual(['{"a":1}', '"x"']);
  });

  it('answers 207 when some records failed, never 200', async () => {
    const down = new BrokerUnavailableError('the partition has no leader right now');
    const writer = new ScriptedWriter((records) =>
      records.map((record, i) =>
        i === 1
          ? { ok: false, partition: 1, error: down }
          : { ok: true, partition: 0, offset: String(i), timestamp: record.timestamp },
      ),
    );

    const outcome = await service(writer).produce(
      'events',
      { records: [{ value: 1 }, { value: 2 }, { value: 3 }] },
      0,
    );

    expect(outcome.status).toBe(207);
    expect(outcome.body).toMatchObject({
      written: 2,
      failed: 1,
      records: [
        { partition: 0, offset: '0' },
        { partition: 1, error: { code: 'BROKER_UNAVAILABLE', status: 503, retriable: true } },
        { partition: 0, offset: '2' },
      ],
    });
  });

  it('answers with the error itself when nothing was written', async () => {
    const down = new BrokerUnavailableError('the Kafka broker is unreachable');
    const writer = new ScriptedWriter((records) =>
      records.map(() => ({ ok: false, partition: 0, error: down })),
    );

    const error = await failure(service(writer).produce('events', { records: [{ value: 1 }] }));

    expect(httpStatus(error)).toBe(503);
    expect(error.retryAfterSeconds).toBe(1);
  });

  it('answers 202 with null offsets for acks=none', async () => {
    const writer = new ScriptedWriter((records) =>
      records.map((record) => ({ ok: true, partition: 2, offset: null, timestamp: record.timestamp })),
    );

    const outcome = await service(writer).produce('events', { acks: 'none', records: [{ value: 1 }] }, 0);

    expect(outcome).toMatchObject({ status: 202, body: { records: [{ partition: 2, offset: null }] } });
  });

  it.each([
    ['a name with a slash', 'a/b', 400, 'topic'],
    ['"."', '.', 400, 'topic'],
    ['a 250-character name', 'x'.repeat(250), 400, 'topic'],
    ['an internal topic', '__consumer_offsets', 403, 'topic'],
  ])('rejects %s', async (_, topic, status, field) => {
    const error = await failure(
      service(new ScriptedWriter(allWritten)).produce(topic, { records: [{ value: 1 }] }),
    );

    expect(httpStatus(error)).toBe(status);
    expect(error.details[0]?.field).toBe(field);
  });

  it('honours the allow-list pattern', async () => {
    const limited = service(new ScriptedWriter(allWritten), { ALLOWED_TOPICS: '^events$' });

    await expect(limited.produce('events', { records: [{ value: 1 }] })).resolves.toMatchObject({
      status: 200,
    });
    expect((await failure(limited.produce('logs', { records: [{ value: 1 }] }))).code).toBe(
      'TOPIC_NOT_ALLOWED',
    );
  });

  it.each([
    ['no records', { records: [] }, 'records'],
    ['too many records', { records: Array.from({ length: 501 }, () => ({ value: 1 })) }, 'records'],
    ['a record without value', { records: [{ key: 'k' }] }, 'records[0].value'],
    ['an unknown record field', { records: [{ value: 1, extra: true }] }, 'records[0]'],
    [
      'a non-string value with valueFormat string',
      { valueFormat: 'string', records: [{ value: 5 }] },
      'records[0].value',
    ],
    [
      'bad base64 with valueFormat binary',
      { valueFormat: 'binary', records: [{ value: '@@@' }] },
      'records[0].value',
    ],
    [
      'bad base64 key with keyFormat binary',
      { keyFormat: 'binary', records: [{ key: '!', value: 1 }] },
      'records[0].key',
    ],
    ['a number key with keyFormat string', { records: [{ key: 7, value: 1 }] }, 'records[0].key'],
    ['a negative partition', { records: [{ value: 1, partition: -1 }] }, 'records[0].partition'],
    ['a bad timestamp', { records: [{ value: 1, timestamp: 'yesterday' }] }, 'records[0].timestamp'],
    ['a number header', { records: [{ value: 1, headers: { h: 5 } }] }, 'records[0].headers.h'],
    ['an unknown acks', { acks: 'some', records: [{ value: 1 }] }, 'acks'],
    ['an unknown compression', { compression: 'zstd', records: [{ value: 1 }] }, 'compression'],
    ['a body that is an array', [{ value: 1 }], ''],
  ])('rejects %s with 400 naming the field', async (_, body, field) => {
    const error = await failure(service(new ScriptedWriter(allWritten)).produce('events', body));

    expect(httpStatus(error)).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.field)).toContain(field);
  });

  it('limits records per request by configuration', async () => {
    const small = service(new ScriptedWriter(allWritten), { PRODUCE_MAX_RECORDS: '2' });

    const error = await failure(
      small.produce('events', { records: [{ value: 1 }, { value: 2 }, { value: 3 }] }),
    );

    expect(error.details[0]?.field).toBe('records');
  });

  it('rejects a partition the topic does not have, naming the record', async () => {
    const error = await failure(
      service(new ScriptedWriter(allWritten)).produce('events', {
        records: [{ value: 1 }, { value: 2, partition: 3 }],
      }),
    );

    expect(error).toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details[0]?.field).toBe('records[1].partition');
  });

  it("rejects a record over the topic's max.message.bytes with 413, before writing anything", async () => {
    const writer = new ScriptedWriter(allWritten, { maxMessageBytes: 1000 });

    const error = await failure(
      service(writer).produce('events', {
        valueFormat: 'string',
        records: [{ value: 'a' }, { value: 'b'.repeat(1000) }],
      }),
    );

    expect(error).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    expect(httpStatus(error)).toBe(413);
    expect(error.details[0]?.field).toBe('records[1]');
    expect(writer.written).toEqual([]);
  });

  it('rejects keyless records for a compacted topic with 400, naming each, before writing anything', async () => {
    const writer = new ScriptedWriter(allWritten, { compacted: true });

    const error = await failure(
      service(writer).produce('events', { records: [{ key: 'k', value: 1 }, { value: 2 }, { value: 3 }] }),
    );

    expect(error).toMatchObject({ code: 'INVALID_RECORD', name: 'InvalidRecordError' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details.map((d) => d.field)).toEqual(['records[1].key', 'records[2].key']);
    expect(writer.written).toEqual([]);
  });

  it('asks for fresh metadata when a record names a partition the cached metadata may lack', async () => {
    const asked: (number | undefined)[] = [];
    const writer = new ScriptedWriter(allWritten);
    const topicInfo = writer.topicInfo.bind(writer);
    writer.topicInfo = (topic: string, partition?: number) => {
      asked.push(partition);
      return topicInfo(topic);
    };

    await service(writer).produce('events', {
      records: [
        { value: 1, partition: 2 },
        { value: 2, partition: 0 },
      ],
    });

    expect(asked).toEqual([2]);
  });

  it('names every record in the details when the broker refused all of them', async () => {
    const refused = new InvalidRecordError('the broker rejected a record: invalid');
    const writer = new ScriptedWriter((records) =>
      records.map(() => ({ ok: false, partition: 0, error: refused })),
    );

    const error = await failure(service(writer).produce('events', { records: [{ value: 1 }, { value: 2 }] }));

    expect(error).toMatchObject({ code: 'INVALID_RECORD' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details).toMatchObject([
      { field: 'records[0]', code: 'INVALID_RECORD' },
      { field: 'records[1]', code: 'INVALID_RECORD' },
    ]);
  });
});
