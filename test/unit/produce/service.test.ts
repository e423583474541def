import { describe, expect, it } from 'vitest';
import { BrokerUnavailableError, InvalidRecordError } from '../../../src/shared/errors.js';
import { httpStatus } from '../../../src/shared/http/status.js';
import type {
  OutgoingRecord,
  RecordWriter,
  TopicInfo,
  WriteResult,
} from '../../../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../../../src/shared/produce/config.js';
import { ProduceRequest } from '../../../src/shared/produce/schema.js';
import { ProduceService } from '../../../src/shared/produce/service.js';
import { serviceFailure } from '../../support/errors.js';

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

/** The service's typed input for `body`, parsed as the route parses it. */
const input = (topic: string, body: unknown, now = Date.now()) => ({
  topic,
  request: ProduceRequest.parse(body),
  now,
});

describe('ProduceService', () => {
  it('returns one result per record, in order, with the offsets the broker gave', async () => {
    // Prepare
    const writer = new ScriptedWriter(allWritten);
    const now = Date.parse('2026-01-02T03:04:05.000Z');

    // Act
    const result = await service(writer).produce(
      input('events', { records: [{ value: { a: 1 } }, { value: 'x', timestamp: 5 }] }, now),
    );

    // Assess
    expect(result).toEqual({
      topic: 'events',
      acknowledged: true,
      written: 2,
      failed: 0,
      records: [
        { ok: true, partition: 0, offset: '40', timestamp: now },
        { ok: true, partition: 0, offset: '41', timestamp: 5 },
      ],
    });
    expect(writer.written.map((r) => r.value?.toString())).toEqual(['{"a":1}', '"x"']);
  });

  it('reports each failed record with its error when some records were written', async () => {
    // Prepare
    const down = new BrokerUnavailableError('the partition has no leader right now');
    const writer = new ScriptedWriter((records) =>
      records.map((record, i) =>
        i === 1
          ? { ok: false, partition: 1, error: down }
          : { ok: true, partition: 0, offset: String(i), timestamp: record.timestamp },
      ),
    );

    // Act
    const result = await service(writer).produce(
      input('events', { records: [{ value: 1 }, { value: 2 }, { value: 3 }] }, 0),
    );

    // Assess
    expect(result).toMatchObject({
      written: 2,
      failed: 1,
      records: [
        { ok: true, partition: 0, offset: '0' },
        { ok: false, partition: 1, error: down },
        { ok: true, partition: 0, offset: '2' },
      ],
    });
  });

  it('throws the error itself when nothing was written', async () => {
    // Prepare
    const down = new BrokerUnavailableError('the Kafka broker is unreachable');
    const writer = new ScriptedWriter((records) =>
      records.map(() => ({ ok: false, partition: 0, error: down })),
    );

    // Act
    const error = await serviceFailure(service(writer).produce(input('events', { records: [{ value: 1 }] })));

    // Assess
    expect(httpStatus(error)).toBe(503);
    expect(error.retryAfterSeconds).toBe(1);
  });

  it('says nothing is acknowledged with acks=none (null offsets)', async () => {
    // Prepare
    const writer = new ScriptedWriter((records) =>
      records.map((record) => ({ ok: true, partition: 2, offset: null, timestamp: record.timestamp })),
    );

    // Act
    const result = await service(writer).produce(
      input('events', { acks: 'none', records: [{ value: 1 }] }, 0),
    );

    // Assess
    expect(result).toMatchObject({ acknowledged: false, records: [{ partition: 2, offset: null }] });
  });

  it('refuses internal topics by default, naming the topic field', async () => {
    // Act
    const error = await serviceFailure(
      service(new ScriptedWriter(allWritten)).produce(
        input('__consumer_offsets', { records: [{ value: 1 }] }),
      ),
    );

    // Assess
    expect(httpStatus(error)).toBe(403);
    expect(error.details[0]?.field).toBe('topic');
  });

  it('honours the allow-list pattern', async () => {
    // Prepare
    const limited = service(new ScriptedWriter(allWritten), { ALLOWED_TOPICS: '^events$' });

    // Act / Assess
    await expect(limited.produce(input('events', { records: [{ value: 1 }] }))).resolves.toMatchObject({
      failed: 0,
    });
    expect((await serviceFailure(limited.produce(input('logs', { records: [{ value: 1 }] })))).code).toBe(
      'TOPIC_NOT_ALLOWED',
    );
  });

  it('rejects a partition the topic does not have, naming the record', async () => {
    // Act
    const error = await serviceFailure(
      service(new ScriptedWriter(allWritten)).produce(
        input('events', { records: [{ value: 1 }, { value: 2, partition: 3 }] }),
      ),
    );

    // Assess
    expect(error).toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details[0]?.field).toBe('records[1].partition');
  });

  it("rejects a record over the topic's max.message.bytes with 413, before writing anything", async () => {
    // Prepare
    const writer = new ScriptedWriter(allWritten, { maxMessageBytes: 1000 });

    // Act
    const error = await serviceFailure(
      service(writer).produce(
        input('events', { valueFormat: 'string', records: [{ value: 'a' }, { value: 'b'.repeat(1000) }] }),
      ),
    );

    // Assess
    expect(error).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    expect(httpStatus(error)).toBe(413);
    expect(error.details[0]?.field).toBe('records[1]');
    expect(writer.written).toEqual([]);
  });

  it('rejects keyless records for a compacted topic with 400, naming each, before writing anything', async () => {
    // Prepare
    const writer = new ScriptedWriter(allWritten, { compacted: true });

    // Act
    const error = await serviceFailure(
      service(writer).produce(
        input('events', { records: [{ key: 'k', value: 1 }, { value: 2 }, { value: 3 }] }),
      ),
    );

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_RECORD', name: 'InvalidRecordError' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details.map((d) => d.field)).toEqual(['records[1].key', 'records[2].key']);
    expect(writer.written).toEqual([]);
  });

  it('asks for fresh metadata when a record names a partition the cached metadata may lack', async () => {
    // Prepare
    const asked: (number | undefined)[] = [];
    const writer = new ScriptedWriter(allWritten);
    const topicInfo = writer.topicInfo.bind(writer);
    writer.topicInfo = (topic: string, partition?: number) => {
      asked.push(partition);
      return topicInfo(topic);
    };

    // Act
    await service(writer).produce(
      input('events', {
        records: [
          { value: 1, partition: 2 },
          { value: 2, partition: 0 },
        ],
      }),
    );

    // Assess
    expect(asked).toEqual([2]);
  });

  it('names every record in the details when the broker refused all of them', async () => {
    // Prepare
    const refused = new InvalidRecordError('the broker rejected a record: invalid');
    const writer = new ScriptedWriter((records) =>
      records.map(() => ({ ok: false, partition: 0, error: refused })),
    );

    // Act
    const error = await serviceFailure(
      service(writer).produce(input('events', { records: [{ value: 1 }, { value: 2 }] })),
    );

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_RECORD' });
    expect(httpStatus(error)).toBe(400);
    expect(error.details).toMatchObject([
      { field: 'records[0]', code: 'INVALID_RECORD' },
      { field: 'records[1]', code: 'INVALID_RECORD' },
    ]);
  });
});
