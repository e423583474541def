/**
 * The service's topics, declared once: `npm start` creates them locally, and the consumer functions read
 * and write them (src/shared/container.ts). Each input has a dead-letter topic named by the consumer
 * runtime's rule (`deadLetterTopic`: `<input>.dlq`).
 */
import { deadLetterTopic } from './consumer/output.js';

/** A topic to create: name, partition count and topic-level configs. */
export interface TopicDeclaration {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

/** A consumer function's topics: what it reads, where it writes, where its poison records go. */
export interface ConsumerTopics {
  input: TopicDeclaration;
  output: TopicDeclaration;
  deadLetter: TopicDeclaration;
}

const DAY_MS = 24 * 3600 * 1000;

function consumerTopics(input: string, retentionDays: number, output: TopicDeclaration): ConsumerTopics {
  return {
    input: { name: input, partitions: 3, configs: { 'retention.ms': String(retentionDays * DAY_MS) } },
    output,
    deadLetter: {
      name: deadLetterTopic(input),
      partitions: 1,
      configs: { 'retention.ms': String(14 * DAY_MS) },
    },
  };
}

/** The topics of each consumer function, by function name (serverless.yml). */
export const CONSUMER_TOPICS = Object.freeze({
  events: consumerTopics('events', 7, { name: 'events.processed', partitions: 3, configs: {} }),
  logs: consumerTopics('logs', 3, { name: 'logs.normalized', partitions: 3, configs: {} }),
  // Partial aggregates keyed by series, window and source batch (docs/consumers.md): a replayed batch
  // replaces its own partials under compaction, and readers merge the partials of a window.
  metrics: consumerTopics('metrics', 1, {
    name: 'metrics.aggregated',
    partitions: 3,
    configs: { 'cleanup.policy': 'compact' },
  }),
  // Orders as Avro records of the schema registry's `orders-value` subject (schemas/orders-value.avsc),
  // produced with `valueFormat: avro` and keyed by order id; summaries keyed by customer.
  orders: consumerTopics('orders', 7, { name: 'orders.processed', partitions: 3, configs: {} }),
});

const consumers = Object.values(CONSUMER_TOPICS);

/** Every topic of the service: inputs, outputs, then dead-letter topics. */
export const SERVICE_TOPICS: readonly TopicDeclaration[] = Object.freeze([
  ...consumers.map((topics) => topics.input),
  ...consumers.map((topics) => topics.output),
  ...consumers.map((topics) => topics.deadLetter),
]);
