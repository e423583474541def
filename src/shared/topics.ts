/**
 * The service's topics, declared once: `npm start` creates them locally, and the consumer functions read
 * and write them. Each input has a dead-letter topic `<input>.dlq`.
 */
export interface TopicDeclaration {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

const inputs: TopicDeclaration[] = [
  { name: 'events', partitions: 3, configs: { 'retention.ms': String(7 * 24 * 3600 * 1000) } },
  { name: 'logs', partitions: 3, configs: { 'retention.ms': String(3 * 24 * 3600 * 1000) } },
  { name: 'metrics', partitions: 3, configs: { 'retention.ms': String(24 * 3600 * 1000) } },
];

const outputs: TopicDeclaration[] = [
  { name: 'events.processed', partitions: 3, configs: {} },
  { name: 'logs.normalized', partitions: 3, configs: {} },
  // Partial aggregates keyed by series, window and source batch (docs/consumers.md): a replayed batch
  // replaces its own partials under compaction, and readers merge the partials of a window.
  { name: 'metrics.aggregated', partitions: 3, configs: { 'cleanup.policy': 'compact' } },
];

const deadLetters: TopicDeclaration[] = inputs.map((input) => ({
  name: `${input.name}.dlq`,
  partitions: 1,
  configs: { 'retention.ms': String(14 * 24 * 3600 * 1000) },
}));

export const SERVICE_TOPICS: readonly TopicDeclaration[] = Object.freeze([
  ...inputs,
  ...outputs,
  ...deadLetters,
]);
