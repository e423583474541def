import { describe, expect, it } from 'vitest';
import {
  destinationSink,
  type FailedBatch,
} from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import { buildEvent, type KafkaEventRecord } from '../../../../src/serverless-kafka-events/emulate/event.js';
import { KafkaRecordWriter } from '../../../../src/shared/kafka/writer.js';
import { FakeCluster } from '../../../support/fake-cluster.js';

const record = (offset: number, key?: string): KafkaEventRecord => ({
  topic: 'orders',
  partition: 0,
  offset,
  timestamp: 1_700_000_000_000 + offset,
  timestampType: 'CREATE_TIME',
  ...(key ? { key: Buffer.from(key).toString('base64') } : {}),
  value: Buffer.from(`v${offset}`).toString('base64'),
  headers: [],
});

const failed: FailedBatch = {
  condition: 'RetriesExhausted',
  functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-local-orders',
  invokeCount: 3,
  functionError: 'Unhandled',
  event: buildEvent({ eventSource: 'aws:kafka', bootstrapServers: 'fake:9092' }, [record(7, 'k'), record(8)]),
};

describe('Kafka on-failure destination of the emulator', () => {
  it('delivers one document per failed record, keyed by the record’s key, through the service’s writer', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('failures', { partitions: 1 });
    const sink = destinationSink(new KafkaRecordWriter(cluster, cluster), '.local/unused');

    // Act
    await sink('kafka://failures', failed);

    // Assess
    const written = cluster.log('failures', 0);
    expect(written.map((m) => m.key?.toString() ?? null)).toEqual(['k', null]);
    expect(written.map((m) => JSON.parse(String(m.value)).KafkaBatchInfo.recordInfo.offset)).toEqual([
      '7',
      '8',
    ]);
    expect(cluster.calls.every((call) => call.acks === 'all')).toBe(true);
  });

  it('fails (so the poller retries and commits nothing) when the broker gives no offset for the records', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('failures', { partitions: 1 });
    cluster.faults.push('no-answer', 'no-answer');
    const sink = destinationSink(new KafkaRecordWriter(cluster, cluster), '.local/unused');

    // Act / Assess
    await expect(sink('kafka://failures', failed)).rejects.toThrow(
      /2 of 2 record\(s\) not written.*NOT_ACKNOWLEDGED/,
    );
  });
});
