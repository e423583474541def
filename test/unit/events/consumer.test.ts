import { describe, expect, it } from 'vitest';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { eventsConsumer } from '../../../src/shared/events/consumer.js';
import { pagePath } from '../../../src/shared/events/process.js';
import { consumerContext, headerText, memoryWriter, mskEvent } from '../../support/kafka-events.js';

const RECEIVED = Date.parse('2026-03-01T10:00:02.500Z');
const event = (offset: number, value: unknown) => ({ topic: 'events', offset, value, timestamp: RECEIVED });

async function run(values: unknown[]) {
  const { writer, on } = memoryWriter();
  const handler = createConsumer(eventsConsumer, {
    writer,
    outputTopic: 'events.processed',
    reportBatchItemFailures: true,
    writeTimeoutMs: 10_000,
  });
  const response = await handler(
    mskEvent({ records: values.map((value, i) => event(i, value)) }),
    consumerContext(),
  );
  const outputs = on('events.processed').map((record) => ({
    key: record.key?.toString(),
    value: JSON.parse(String(record.value)),
    type: headerText(record, 'event.type'),
  }));
  return { response, outputs, dlq: on('events.dlq') };
}

describe('events function', () => {
  it('normalizes and enriches an order, keyed by the order', async () => {
    // Act
    const { outputs } = await run([
      {
        type: ' Order.Placed ',
        id: 'evt-1',
        occurredAt: '2026-03-01T11:00:00+01:00',
        attributes: {
          orderId: 'o-7',
          userId: 'u-1',
          currency: 'eur',
          items: [
            { sku: 'a', quantity: 2, unitPrice: 0.1 },
            { sku: 'b', quantity: 1, unitPrice: 0.2 },
          ],
        },
      },
    ]);

    // Assess
    expect(outputs).toEqual([
      {
        key: 'order:o-7',
        type: 'order.placed',
        value: {
          id: 'evt-1',
          type: 'order.placed',
          category: 'order',
          entity: { kind: 'order', id: 'o-7' },
          occurredAt: '2026-03-01T10:00:00.000Z',
          occurredDate: '2026-03-01',
          receivedAt: '2026-03-01T10:00:02.500Z',
          lagMs: 2500,
          attributes: {
            orderId: 'o-7',
            userId: 'u-1',
            currency: 'EUR',
            items: [
              { sku: 'a', quantity: 2, unitPrice: 0.1 },
              { sku: 'b', quantity: 1, unitPrice: 0.2 },
            ],
          },
          derived: { itemCount: 3, totalAmount: 0.4 },
        },
      },
    ]);
  });

  it('keys clicks by user, or by session when anonymous, and derives page fields', async () => {
    // Act
    const { outputs } = await run([
      {
        type: 'click',
        id: 'c1',
        occurredAt: '2026-03-01T10:00:00Z',
        attributes: {
          sessionId: 's-1',
          page: 'https://shop.example/products/42/?ref=x',
          referrer: 'https://www.google.com/search',
        },
      },
      {
        type: 'click',
        id: 'c2',
        occurredAt: '2026-03-01T10:00:01Z',
        attributes: { sessionId: 's-1', userId: 'u-9', page: '/' },
      },
    ]);

    // Assess
    expect(outputs.map((o) => o.key)).toEqual(['session:s-1', 'user:u-9']);
    expect(outputs[0]?.value.derived).toEqual({
      path: '/products/42',
      section: 'products',
      referrerHost: 'www.google.com',
      anonymous: true,
    });
    expect(outputs[1]?.value.derived).toEqual({
      path: '/',
      section: 'home',
      referrerHost: null,
      anonymous: false,
    });
  });

  it('keys user events by user and lower-cases emails', async () => {
    // Act
    const { outputs } = await run([
      {
        type: 'user.signed_up',
        id: 'e',
        occurredAt: '2026-03-01T10:00:00Z',
        attributes: { userId: 'u-1', email: ' Ada@Example.COM ', country: 'fr' },
      },
    ]);

    // Assess
    expect(outputs[0]?.key).toBe('user:u-1');
    expect(outputs[0]?.value.attributes).toEqual({ userId: 'u-1', email: 'ada@example.com', country: 'FR' });
    expect(outputs[0]?.value.derived).toEqual({ emailDomain: 'example.com' });
  });

  it('skips uninteresting types and dead-letters invalid interesting ones', async () => {
    // Act
    const { outputs, dlq, response } = await run([
      { type: 'heartbeat', id: 'h', occurredAt: '2026-03-01T10:00:00Z' },
      {
        type: 'order.paid',
        id: 'x',
        occurredAt: 'yesterday',
        attributes: { orderId: 'o', userId: 'u', currency: 'EUR' },
      },
    ]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(outputs).toEqual([]);
    expect(dlq.map((r) => headerText(r, 'dlq.error.message'))).toEqual(['occurredAt: Invalid ISO datetime']);
  });

  it.each([
    ['https://a.example/x/y?q=1#f', '/x/y'],
    ['/x/y/', '/x/y'],
    ['/', '/'],
  ])('reduces page %s to path %s', (page, path) => {
    expect(pagePath(page)).toBe(path);
  });
});
