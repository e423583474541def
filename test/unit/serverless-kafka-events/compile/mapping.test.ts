/** The keys osls lacks, written into the event source mappings osls compiled (what is deployed). */
import { describe, expect, it } from 'vitest';
import { compileAddedProperties } from '../../../../src/serverless-kafka-events/compile/mapping.js';

const mapping = (functionLogicalId: string, source: Record<string, unknown>, topic: string) => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: {
    ...source,
    Topics: [topic],
    FunctionName: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
  } as Record<string, unknown>,
});

describe('compileAddedProperties', () => {
  it('writes retry controls, partial responses, the MSK destination and a zero window to the matching mapping', () => {
    // Prepare
    const arn = { 'Fn::ImportValue': 'cluster-arn' };
    const resources = {
      Events: mapping('EventsLambdaFunction', { EventSourceArn: arn }, 'events'),
      Other: mapping('OtherLambdaFunction', { EventSourceArn: arn }, 'events'),
      Role: { Type: 'AWS::IAM::Role' },
    };
    const functions = {
      events: {
        events: [
          {
            msk: {
              arn,
              topic: 'events',
              maximumBatchingWindow: 0,
              maximumRetryAttempts: 3,
              maximumRecordAgeInSeconds: 3600,
              bisectBatchOnFunctionError: true,
              functionResponseTypes: ['ReportBatchItemFailures'],
              onFailureDestination: 'kafka://events.failed',
            },
          },
          { httpApi: { method: 'GET', path: '/' } },
        ],
      },
    };

    // Act
    compileAddedProperties({
      resources,
      functions,
      lambdaLogicalId: (key) => `${key[0]?.toUpperCase()}${key.slice(1)}LambdaFunction`,
    });

    // Assess
    expect(resources.Events.Properties).toMatchObject({
      MaximumBatchingWindowInSeconds: 0,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://events.failed' } },
    });
    expect(resources.Other.Properties).not.toHaveProperty('MaximumRetryAttempts');
  });

  it('matches self-managed mappings by bootstrap servers and leaves their destination to osls', () => {
    // Prepare
    const source = { SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['b:9092'] } } };
    const resources = { Logs: mapping('LogsLambdaFunction', source, 'logs') };
    const functions = {
      logs: {
        events: [
          {
            kafka: {
              bootstrapServers: ['b:9092'],
              topic: 'logs',
              maximumRetryAttempts: -1,
              onFailureDestination: 'arn:aws:sqs:eu-west-1:1:q',
            },
          },
        ],
      },
    };

    // Act
    compileAddedProperties({ resources, functions, lambdaLogicalId: () => 'LogsLambdaFunction' });

    // Assess
    expect(resources.Logs.Properties.MaximumRetryAttempts).toBe(-1);
    expect(resources.Logs.Properties).not.toHaveProperty('DestinationConfig');
  });
});
