import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokerUnavailableError } from '../../../src/shared/errors.js';
import type { RecordWriter, WriteResult } from '../../../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../../../src/shared/produce/config.js';
import { createProduceHandler } from '../../../src/shared/produce/http.js';
import { ProduceService } from '../../../src/shared/produce/service.js';
import { httpEvent, lambdaContext } from '../../support/http-events.js';
import { memoryWriter } from '../../support/kafka-events.js';
import { produceApi } from '../../support/produce.js';

/** The route's answer to `body` on `topic`: status and parsed body. */
const post = (writer: RecordWriter, topic: string, body: unknown, env: NodeJS.ProcessEnv = {}) =>
  produceApi(writer, env).produce(topic, body);

/** A writer answering every record with `answer`. */
function answering(answer: (timestamp: number, index: number) => WriteResult): RecordWriter {
  const { writer } = memoryWriter();
  return { ...writer, write: async (_topic, records) => records.map((r, i) => answer(r.timestamp, i)) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('produce handler', () => {
  it('writes json values exactly as the request body has them', async () => {
    // Prepare
    const { writer, written } = memoryWriter();
    const handler = createProduceHandler(new ProduceService(writer, loadProduceConfig({})));
    const value = '{ "price": 1.50, "id": 12345678901234567890, "name": "\\u00e9" }';

    // Act
    const response = await handler(
      httpEvent({
        method: 'POST',
        path: '/v1/topics/events/records',
        pathParameters: { topic: 'events' },
        rawBody: `{ "records": [ { "value": ${value} } ] }`,
      }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(written.map((record) => record.value?.toString())).toEqual([value]);
  });

  it('answers 200 with one entry per record, in order, offsets as strings', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-01-02T03:04:05.000Z') });
    const writer = answering((timestamp, i) => ({
      ok: true,
      partition: 0,
      offset: String(40 + i),
      timestamp,
    }));

    // Act
    const answer = await post(writer, 'events', {
      records: [{ value: { a: 1 } }, { value: 'x', timestamp: 5 }],
    });

    // Assess
    expect(answer).toEqual({
      status: 200,
      headers: expect.any(Object),
      body: {
        topic: 'events',
        records: [
          { partition: 0, offset: '40', timestamp: '2026-01-02T03:04:05.000Z' },
          { partition: 0, offset: '41', timestamp: '1970-01-01T00:00:00.005Z' },
        ],
      },
    });
  });

  it('answers 207 when some records failed, never 200', async () => {
    // Prepare
    const down = new BrokerUnavailableError('the partition has no leader right now');
    const writer = answering((timestamp, i) =>
      i === 1
        ? { ok: false, partition: 1, error: down }
        : { ok: true, partition: 0, offset: String(i), timestamp },
    );

    // Act
    const answer = await post(writer, 'events', { records: [{ value: 1 }, { value: 2 }, { value: 3 }] });

    // Assess
    expect(answer.status).toBe(207);
    expect(answer.body).toMatchObject({
      written: 2,
      failed: 1,
      records: [
        { partition: 0, offset: '0' },
        { partition: 1, error: { code: 'BROKER_UNAVAILABLE', status: 503, retriable: true } },
        { partition: 0, offset: '2' },
      ],
    });
  });

  it('answers 202 with null offsets for acks=none', async () => {
    // Prepare
    const writer = answering((timestamp) => ({ ok: true, partition: 2, offset: null, timestamp }));

    // Act
    const answer = await post(writer, 'events', { acks: 'none', records: [{ value: 1 }] });

    // Assess
    expect(answer).toMatchObject({ status: 202, body: { records: [{ partition: 2, offset: null }] } });
  });

  it.each([
    ['a name with a slash', 'a/b', 400, 'topic'],
    ['"."', '.', 400, 'topic'],
    ['a 250-character name', 'x'.repeat(250), 400, 'topic'],
    ['an internal topic', '__consumer_offsets', 403, 'topic'],
  ])('rejects %s', async (_, topic, status, field) => {
    // Act
    const answer = await post(memoryWriter().writer, topic, { records: [{ value: 1 }] });

    // Assess
    expect(answer.status).toBe(status);
    expect(answer.body.error.details[0]?.field).toBe(field);
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
    // Act
    const answer = await post(memoryWriter().writer, 'events', body);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('limits records per request by configuration', async () => {
    // Act
    const answer = await post(
      memoryWriter().writer,
      'events',
      { records: [{ value: 1 }, { value: 2 }, { value: 3 }] },
      { PRODUCE_MAX_RECORDS: '2' },
    );

    // Assess
    expect(answer.body.error.details[0]?.field).toBe('records');
  });
});
