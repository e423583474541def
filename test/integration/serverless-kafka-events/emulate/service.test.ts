import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type RunningOffline, startOffline } from '../../../support/offline.js';
import { produceWithKafkaPython, readWithKafkaPython } from '../../../support/peers.js';

const bootstrap = inject('kafkaBrokers');

describe('the local stack (serverless.yml, stage local), as npm start runs it', () => {
  let offline: RunningOffline;
  beforeAll(async () => {
    offline = await startOffline({ KAFKA_BROKERS: bootstrap }, { readyWhen: 'offline-kafka: ready' });
  });
  afterAll(async () => {
    await offline?.stop();
  });

  it('turns an event sent by another Kafka client into a processed event, keyed by entity', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const id = `e2e-${Date.now()}`;
    const event = {
      type: 'click',
      id,
      occurredAt: new Date().toISOString(),
      attributes: { sessionId: 's-1', userId: 'u-1', page: '/home?x=1' },
    };

    // Act: kafka-python's producer, not our code.
    await produceWithKafkaPython(bootstrap, 'events', [{ key: 'u-1', value: JSON.stringify(event) }]);

    // Assess
    const processed = (await readWithKafkaPython(bootstrap, 'events.processed', 1, 45)).map((record) => ({
      key: Buffer.from(record.key ?? '', 'base64').toString(),
      value: JSON.parse(Buffer.from(record.value ?? '', 'base64').toString()),
    }));
    expect(processed).toContainEqual({
      key: 'user:u-1',
      value: expect.objectContaining({ id, type: 'click', entity: { kind: 'user', id: 'u-1' } }),
    });
    // The invocation's log line follows its outcome, so it may come after the output is readable.
    await vi.waitFor(() => expect(offline.tail()).toMatch(/offline-kafka: λ events/), { timeout: 10_000 });
  });
});
