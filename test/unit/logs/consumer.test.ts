import { describe, expect, it } from 'vitest';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { logsConsumer } from '../../../src/shared/logs/consumer.js';
import { consumerContext, headerText, memoryWriter, selfManagedEvent } from '../../support/kafka-events.js';

describe('logs function', () => {
  it('normalizes lines of every format, redacted, keyed by service; non-UTF-8 goes to the DLQ', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(logsConsumer, {
      writer,
      outputTopic: 'logs.normalized',
      reportBatchItemFailures: true,
      writeTimeoutMs: 10_000,
    });
    const event = selfManagedEvent({
      records: [
        { topic: 'logs', offset: 0, key: 'api', value: '2026-01-02T03:04:05Z INFO api login token=abc ok' },
        {
          topic: 'logs',
          offset: 1,
          value: '{"level":"error","message":"boom","password":"p"}',
          headers: [
            ['service', 'worker'],
            ['host', 'h1'],
          ],
        },
        { topic: 'logs', offset: 2, key: 'web', value: Buffer.from([0xff, 0xfe]) },
      ],
    });

    // Act
    const response = await handler(event, consumerContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const outputs = on('logs.normalized');
    expect(outputs.map((r) => [r.key?.toString(), headerText(r, 'log.level')])).toEqual([
      ['api', 'info'],
      ['worker', 'error'],
    ]);
    expect(JSON.parse(String(outputs[0]?.value)).message).toBe('login token=[REDACTED] ok');
    expect(JSON.parse(String(outputs[1]?.value))).toMatchObject({
      host: 'h1',
      fields: { password: '[REDACTED]' },
    });
    expect(on('logs.dlq').map((r) => headerText(r, 'dlq.error.class'))).toEqual(['RECORD_UNDECODABLE']);
  });
});
