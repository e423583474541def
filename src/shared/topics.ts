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
  // Keyed by metric+tags+window: the latest partial per key is what matters, so compaction keeps it small.
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
