import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { archiveSink } from '../../../src/shared/logs/archive.js';
import { logsConsumer } from '../../../src/shared/logs/consumer.js';
import { consumerContext } from '../../support/kafka-events.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { consumerTopics, eventFromTopic, produceInputs, startS3rver, testWriter } from './harness.js';

const bootstrap = inject('kafkaBrokers');
const text = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64').toString());

/** s3rver accepts any well-formed signature with --allow-mismatched-signatures; these are its defaults. */
function s3(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

const lines = [
  { key: 'api', value: '2026-01-02T03:04:05Z INFO api user login password=hunter2 ok' },
  {
    key: 'api',
    value: '{"time":"2026-01-02T03:04:06Z","level":"warn","msg":"slow","service":"api","token":"t0k"}',
  },
  {
    key: 'edge',
    value:
      '10.0.0.1 - - [02/Jan/2026:03:04:07 +0000] "GET /cb?access_token=abc HTTP/1.1" 200 12 "-" "curl/8"',
  },
];

describe('logs function against a real broker and a local S3 (s3rver)', () => {
  const writer = testWriter(bootstrap);
  let topics: Awaited<ReturnType<typeof consumerTopics>>;

  beforeAll(async () => {
    topics = await consumerTopics(bootstrap, 'logs', 1);
    await produceInputs(writer, topics.input, lines);
  });

  it('publishes redacted entries and archives the batch as gzip NDJSON under a date/service prefix', async () => {
    // Prepare
    const { endpoint } = await startS3rver('archive');
    const client = s3(endpoint);
    const handler = createConsumer(logsConsumer, {
      writer,
      outputTopic: topics.output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 30_000,
      sinks: [archiveSink({ s3: client, bucket: 'archive', prefix: 'logs/' })],
    });
    const event = await eventFromTopic(bootstrap, topics.input, 3);

    // Act
    const response = await handler(event, consumerContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const published = (await readWithKafkaPython(bootstrap, topics.output, 3)).map((r) =>
      JSON.parse(text(r.value) ?? ''),
    );
    expect(published.map((entry) => [entry.service, entry.level, entry.message])).toEqual([
      ['api', 'info', 'user login password=[REDACTED] ok'],
      ['api', 'warn', 'slow'],
      ['edge', 'info', 'GET /cb?access_token=[REDACTED] HTTP/1.1 200'],
    ]);
    expect(published[1].fields).toEqual({ token: '[REDACTED]' });

    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: 'logs/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key).sort();
    expect(keys).toEqual([
      `logs/date=2026-01-02/service=api/${topics.input}-0-0.ndjson.gz`,
      `logs/date=2026-01-02/service=edge/${topics.input}-0-2.ndjson.gz`,
    ]);
    const object = await client.send(new GetObjectCommand({ Bucket: 'archive', Key: keys[0] }));
    const archived = gunzipSync(Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array())))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(archived.map((entry) => [entry.message, entry.source])).toEqual([
      ['user login password=[REDACTED] ok', { topic: topics.input, partition: 0, offset: 0 }],
      ['slow', { topic: topics.input, partition: 0, offset: 1 }],
    ]);
  });

  it('reports the batch for redelivery when the archive cannot be written', async () => {
    // Prepare: a bucket that does not exist.
    const { endpoint } = await startS3rver('other');
    const handler = createConsumer(logsConsumer, {
      writer,
      outputTopic: topics.output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 30_000,
      sinks: [archiveSink({ s3: s3(endpoint), bucket: 'missing', prefix: '' })],
    });
    const event = await eventFromTopic(bootstrap, topics.input, 3, 'self-managed');

    // Act
    const response = await handler(event, consumerContext());

    // Assess
    expect(response?.batchItemFailures.map((item) => item.itemIdentifier)).toEqual(
      [0, 1, 2].map((offset) => ({ partition: `${topics.input}-0`, offset })),
    );
  });
});
