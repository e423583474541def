/**
 * The orders function: `orders` (Avro, schema registry subject `orders-value`) to `orders.processed`. Each
 * order is checked (its total is the sum of its lines) and summarized, keyed by customer so that a
 * customer's orders stay in order in one partition. An order whose total does not add up is rejected: it
 * goes to `orders.dlq` with the reason. Everything in the output derives from the input record, so a
 * replayed record yields the same output (docs/consumers.md).
 */
import type { ConsumerRecord, EventRecordFormat } from '../consumer/decode.js';
import type { OutputDraft } from '../consumer/output.js';
import type { ConsumerDefinition } from '../consumer/runtime.js';
import { RecordRejectedError } from '../errors.js';
import { type Order, type OrderSummary, OrderValue } from './schema.js';

/** The summary of one order. Throws RecordRejectedError when its total is not the sum of its lines. */
function summarizeOrder(record: ConsumerRecord<Order>): OutputDraft {
  const order = record.data;
  const linesTotal = order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  if (linesTotal !== order.totalCents) {
    throw new RecordRejectedError(
      `order ${order.id}: totalCents ${order.totalCents} is not the sum of its lines (${linesTotal})`,
    );
  }
  const summary: OrderSummary = {
    orderId: order.id,
    customerId: order.customerId,
    lines: order.items.length,
    units: order.items.reduce((sum, item) => sum + item.quantity, 0),
    totalCents: order.totalCents,
    currency: order.currency,
    placedAt: new Date(order.placedAt).toISOString(),
  };
  return { key: order.customerId, value: summary, timestamp: record.timestamp };
}

/**
 * The orders function reading Avro values as its event source mapping delivers them: `JSON` (decoded by
 * the mapping) or `SOURCE` (bytes, decoded with the schema registry). Keys are the producers' order ids,
 * left as bytes.
 */
export function ordersConsumer(eventRecordFormat: EventRecordFormat): ConsumerDefinition<Order> {
  return {
    name: 'orders',
    value: { format: 'avro', eventRecordFormat, schema: OrderValue },
    handler: { record: summarizeOrder },
  };
}
