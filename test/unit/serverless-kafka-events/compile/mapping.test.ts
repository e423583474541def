/** The keys osls lacks, written into the event source mappings osls compiled (what is deployed). */
import { describe, expect, it } from 'vitest';
import {
  compileAddedProperties,
  MappingConfigError,
} from '../../../../src/serverless-kafka-events/compile/mapping.js';

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

  const provisioned = { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 } };
  const lambdaLogicalId = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}LambdaFunction`;

  it('compiles a Confluent registry into the MSK config beside the group, and grants the role its secret', () => {
    // Prepare
    const arn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/1';
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf';
    const resources: Record<string, any> = {
      Orders: mapping(
        'OrdersLambdaFunction',
        {
          EventSourceArn: arn,
          ...provisioned,
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' },
        },
        'orders',
      ),
    };
    const functions = {
      orders: {
        role: 'OrdersRole',
        events: [
          {
            msk: {
              arn,
              topic: 'orders',
              schemaRegistryConfig: {
                schemaRegistryUri: 'https://psrc-123.eu-west-1.aws.confluent.cloud',
                accessConfigs: [{ type: 'BASIC_AUTH', uri: secret }],
                eventRecordFormat: 'JSON',
                schemaValidationConfigs: [{ attribute: 'VALUE' }, { attribute: 'KEY' }],
              },
              metricsConfig: { metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
              loggingConfig: { systemLogLevel: 'WARN' },
            },
          },
        ],
      },
    };

    // Act
    compileAddedProperties({ resources, functions, lambdaLogicalId });

    // Assess
    expect(resources.Orders.Properties).toMatchObject({
      AmazonManagedKafkaEventSourceConfig: {
        ConsumerGroupId: 'g',
        SchemaRegistryConfig: {
          SchemaRegistryURI: 'https://psrc-123.eu-west-1.aws.confluent.cloud',
          AccessConfigs: [{ Type: 'BASIC_AUTH', URI: secret }],
          EventRecordFormat: 'JSON',
          SchemaValidationConfigs: [{ Attribute: 'VALUE' }, { Attribute: 'KEY' }],
        },
      },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      LoggingConfig: { SystemLogLevel: 'WARN' },
    });
    expect(resources.OrdersLambdaFunctionSchemaRegistryPolicy).toEqual({
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'orders-schema-registry',
        Roles: [{ Ref: 'OrdersRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] }],
        },
      },
    });
    expect(resources.Orders.DependsOn).toEqual(['OrdersLambdaFunctionSchemaRegistryPolicy']);
  });

  it('compiles a Glue registry into the self-managed config, granting registry and schema version reads only', () => {
    // Prepare
    const registry = 'arn:aws:glue:eu-west-1:123456789012:registry/shop';
    const source = {
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['b:9092'] } },
      ...provisioned,
    };
    const resources: Record<string, any> = { Orders: mapping('OrdersLambdaFunction', source, 'orders') };
    const functions = {
      orders: {
        role: 'arn:aws:iam::123456789012:role/service/orders-role',
        events: [
          {
            kafka: {
              bootstrapServers: ['b:9092'],
              topic: 'orders',
              schemaRegistryConfig: {
                schemaRegistryUri: registry,
                eventRecordFormat: 'SOURCE',
                schemaValidationConfigs: [{ attribute: 'VALUE' }],
              },
            },
          },
        ],
      },
    };

    // Act
    compileAddedProperties({ resources, functions, lambdaLogicalId });

    // Assess
    expect(resources.Orders.Properties.SelfManagedKafkaEventSourceConfig).toEqual({
      SchemaRegistryConfig: {
        SchemaRegistryURI: registry,
        EventRecordFormat: 'SOURCE',
        SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
      },
    });
    const policy = resources.OrdersLambdaFunctionSchemaRegistryPolicy.Properties;
    expect(policy.Roles).toEqual(['orders-role']);
    expect(policy.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['glue:GetRegistry'], Resource: registry },
      {
        Effect: 'Allow',
        Action: ['glue:GetSchemaVersion'],
        Resource: [registry, 'arn:aws:glue:eu-west-1:123456789012:schema/shop/*'],
      },
    ]);
  });

  it.each([
    [
      {
        schemaRegistryConfig: {
          schemaRegistryUri: 'https://r',
          eventRecordFormat: 'JSON',
          schemaValidationConfigs: [{ attribute: 'VALUE' }],
        },
      },
      {},
      /provisioned mode/,
    ],
    [{ loggingConfig: { systemLogLevel: 'DEBUG' } }, {}, /provisioned mode/],
    [
      {
        schemaRegistryConfig: {
          schemaRegistryUri: 'arn:aws:glue:eu-west-1:123456789012:registry/shop',
          accessConfigs: [{ type: 'BASIC_AUTH', uri: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' }],
          eventRecordFormat: 'JSON',
          schemaValidationConfigs: [{ attribute: 'VALUE' }],
        },
      },
      provisioned,
      /takes no accessConfigs/,
    ],
  ])('refuses %j, as AWS would', (keys, mode, reason) => {
    // Prepare
    const arn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/1';
    const resources: Record<string, any> = {
      Orders: mapping('OrdersLambdaFunction', { EventSourceArn: arn, ...mode }, 'orders'),
    };
    const functions = { orders: { events: [{ msk: { arn, topic: 'orders', ...keys } }] } };

    // Act
    const act = () => compileAddedProperties({ resources, functions, lambdaLogicalId });

    // Assess
    expect(act).toThrow(MappingConfigError);
    expect(act).toThrow(reason);
  });
});
