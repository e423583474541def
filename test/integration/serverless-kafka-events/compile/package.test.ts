/**
 * The keys the plugin adds to `msk` events compile into the deployed event source mapping: a real
 * `serverless package` (no AWS call) of fixture/serverless.package.yml, whose `configValidationMode: error`
 * also proves osls' schema accepts them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../../infra/kafka/broker.js';
import { describeMatches, lintTemplates } from '../../../deploy/support/cfn-lint.js';
import { fixtureDir } from '../emulate/offline-process.js';

const run = promisify(execFile);
const packageDir = await mkdtemp(join(tmpdir(), 'offline-kafka-package-'));
afterAll(() => rm(packageDir, { recursive: true, force: true }));

type Resource = { Type: string; Properties: any; DependsOn?: string[] };

describe('serverless package with the offline-kafka plugin', () => {
  let template: { Resources: Record<string, Resource> };
  const templatePath = join(packageDir, 'cloudformation-template-update-stack.json');

  // The first run may install cfn-lint from PyPI.
  beforeAll(async () => {
    await run(
      join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
      ['package', '--config', 'serverless.package.yml', '--stage', 'ci', '--package', packageDir],
      {
        cwd: fixtureDir,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'dummy',
          AWS_SECRET_ACCESS_KEY: 'dummy',
          AWS_REGION: 'eu-west-1',
        },
      },
    );

    template = JSON.parse(await readFile(templatePath, 'utf8'));
  }, 300_000);

  it('passes cfn-lint with zero errors', async () => {
    const { errors } = await lintTemplates([templatePath]);
    expect(describeMatches(errors)).toEqual([]);
  }, 300_000);

  it('compiles retry controls, partial responses and the MSK destination into the mapping', () => {
    const mappings = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')
      .map((resource) => resource.Properties);
    const consumer = mappings.find((properties) => properties.Topics[0] === 'events');
    const plain = mappings.find((properties) => properties.Topics[0] === 'logs');
    expect(consumer).toMatchObject({
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'events-consumer' },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: 'kafka://events.dlq' } },
    });
    expect(plain.MaximumBatchingWindowInSeconds).toBe(0);
    for (const key of [
      'FunctionResponseTypes',
      'MaximumRetryAttempts',
      'DestinationConfig',
      'BisectBatchOnFunctionError',
    ]) {
      expect(plain).not.toHaveProperty(key);
    }
  });

  it('compiles schema registries, metrics and log level into the mappings, with the IAM their registries need', () => {
    // Prepare
    const mappingOf = (topic: string) =>
      Object.entries(template.Resources).find(
        ([, resource]) =>
          resource.Type === 'AWS::Lambda::EventSourceMapping' && resource.Properties.Topics[0] === topic,
      ) ?? [];
    const [, orders] = mappingOf('orders');
    const [, payments] = mappingOf('payments');
    const policies = Object.fromEntries(
      Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Policy'),
    );

    // Assess: what is deployed.
    expect(orders?.Properties).toMatchObject({
      AmazonManagedKafkaEventSourceConfig: {
        ConsumerGroupId: 'orders-consumer',
        SchemaRegistryConfig: {
          SchemaRegistryURI: 'https://psrc-12345.eu-west-1.aws.confluent.cloud',
          AccessConfigs: [
            {
              Type: 'BASIC_AUTH',
              URI: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:schema-registry-AbCdEf',
            },
          ],
          EventRecordFormat: 'JSON',
          SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
        },
      },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      LoggingConfig: { SystemLogLevel: 'WARN' },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
    });
    expect(payments?.Properties.SelfManagedKafkaEventSourceConfig).toEqual({
      SchemaRegistryConfig: {
        SchemaRegistryURI: 'arn:aws:glue:eu-west-1:123456789012:registry/payments',
        EventRecordFormat: 'SOURCE',
        SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'VALUE' }],
      },
    });
    // Assess: each function's role gets exactly what its registry needs, before its mapping is created.
    expect(orders?.DependsOn).toContain('OrdersLambdaFunctionSchemaRegistryPolicy');
    expect(payments?.DependsOn).toContain('PaymentsLambdaFunctionSchemaRegistryPolicy');
    expect(policies.OrdersLambdaFunctionSchemaRegistryPolicy?.Properties).toMatchObject({
      Roles: [{ Ref: 'IamRoleLambdaExecution' }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:schema-registry-AbCdEf'],
          },
        ],
      },
    });
    expect(policies.PaymentsLambdaFunctionSchemaRegistryPolicy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['glue:GetRegistry'],
        Resource: 'arn:aws:glue:eu-west-1:123456789012:registry/payments',
      },
      {
        Effect: 'Allow',
        Action: ['glue:GetSchemaVersion'],
        Resource: [
          'arn:aws:glue:eu-west-1:123456789012:registry/payments',
          'arn:aws:glue:eu-west-1:123456789012:schema/payments/*',
        ],
      },
    ]);
  });
});
