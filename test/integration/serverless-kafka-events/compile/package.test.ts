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
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../../infra/kafka/broker.js';
import { fixtureDir } from '../emulate/offline-process.js';

const run = promisify(execFile);
const packageDir = await mkdtemp(join(tmpdir(), 'offline-kafka-package-'));
afterAll(() => rm(packageDir, { recursive: true, force: true }));

describe('serverless package with the offline-kafka plugin', () => {
  it('compiles retry controls, partial responses and the MSK destination into the mapping', async () => {
    // Act
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

    // Assess
    const template = JSON.parse(
      await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const mappings = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>)
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
});
