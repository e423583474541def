/** Reading the mappings from serverless.yml's `msk` and `kafka` events. */
import { describe, expect, it } from 'vitest';
import { OfflineKafkaError } from '../../../../src/serverless-kafka-events/emulate/errors.js';
import { PluginConfig, readEventSources } from '../../../../src/serverless-kafka-events/emulate/sources.js';

const arn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/prod/abc';
const service = (events: unknown[]) => ({
  service: 'svc',
  stage: 'local',
  region: 'eu-west-1',
  functions: { consumer: { name: 'svc-local-consumer', events } },
});
const read = (events: unknown[], config: Record<string, unknown> = {}) =>
  readEventSources(service(events), PluginConfig.parse(config), ['localhost:9092']);

describe('readEventSources', () => {
  it('maps an msk event to the local broker with Lambda defaults and a stable derived group', () => {
    // Act
    const [source] = read([{ msk: { arn, topic: 'events' } }, { httpApi: { path: '/' } }]);

    // Assess
    expect(source).toMatchObject({
      functionKey: 'consumer',
      topic: 'events',
      groupId: 'svc-local-consumer-events',
      brokers: ['localhost:9092'],
      envelope: { eventSource: 'aws:kafka', eventSourceArn: arn, bootstrapServers: 'localhost:9092' },
      batchSize: 100,
      windowMs: 500,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: -1,
      enabled: true,
    });
  });

  it('maps a kafka event to the local broker, not its remote bootstrap servers, unless asked', () => {
    // Prepare
    const event = { kafka: { bootstrapServers: ['b-1.remote:9092'], topic: 't', accessConfigurations: {} } };

    // Act
    const [local] = read([event]);
    const [remote] = read([event], { useEventBootstrapServers: true });

    // Assess
    expect(local?.brokers).toEqual(['localhost:9092']);
    expect(local?.envelope).toEqual({ eventSource: 'SelfManagedKafka', bootstrapServers: 'localhost:9092' });
    expect(remote?.brokers).toEqual(['b-1.remote:9092']);
  });

  it('reads the retry controls, and caps infinite retries at 10 with a destination', () => {
    // Act
    const [source] = read([
      {
        msk: {
          arn,
          topic: 'events',
          consumerGroupId: 'mine',
          batchSize: 10,
          maximumBatchingWindow: 0,
          onFailureDestination: 'kafka://events.dlq',
          bisectBatchOnFunctionError: true,
          maximumRecordAgeInSeconds: 60,
          functionResponseTypes: ['ReportBatchItemFailures'],
          startingPosition: 'AT_TIMESTAMP',
          startingPositionTimestamp: 1700000000,
        },
      },
    ]);

    // Assess
    expect(source).toMatchObject({
      groupId: 'mine',
      batchSize: 10,
      windowMs: 0,
      destination: 'kafka://events.dlq',
      maximumRetryAttempts: 10,
      maximumRecordAgeSeconds: 60,
      bisectOnError: true,
      reportBatchItemFailures: true,
      startingPositionTimestampMs: 1700000000000,
    });
  });

  it('names the event and the key when the configuration is wrong', () => {
    // Act
    const reading = () => read([{ msk: { arn, topic: 'events', batchSize: 20_000 } }]);

    // Assess
    expect(reading).toThrow(OfflineKafkaError);
    expect(reading).toThrow(/functions\.consumer\.events\[0\]\.msk: batchSize/);
  });

  it('requires startingPositionTimestamp with AT_TIMESTAMP', () => {
    // Act
    const reading = () => read([{ msk: { arn, topic: 'events', startingPosition: 'AT_TIMESTAMP' } }]);

    // Assess
    expect(reading).toThrow(/startingPositionTimestamp/);
  });

  it('keeps disabled mappings, marked, so the plugin can say it does not poll them', () => {
    // Act
    const [source] = read([{ msk: { arn, topic: 'events', enabled: false } }]);

    // Assess
    expect(source?.enabled).toBe(false);
  });
});
