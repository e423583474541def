/**
 * The plugin's hooks with a stand-in for osls' `serverless` object: the keys it adds to osls' schema, the
 * compile hook, and the start-up decisions that need no broker (polling itself runs in
 * test/integration/serverless-kafka-events, in serverless offline's own process).
 */
import { describe, expect, it } from 'vitest';
import { OfflineKafkaPlugin, type Serverless } from '../../../src/serverless-kafka-events/plugin.js';

function fakeServerless(custom: Record<string, unknown>, events: unknown[]) {
  const defined: [string, unknown][] = [];
  const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = {
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/c/1',
        Topics: ['orders'],
        FunctionName: { 'Fn::GetAtt': ['OrdersLambdaFunction', 'Arn'] },
      },
    },
  };
  const serverless: Serverless = {
    serviceDir: '/tmp',
    service: {
      service: 'svc',
      custom,
      functions: { orders: { events } },
      getFunction: () => ({}),
      provider: { compiledCloudFormationTemplate: { Resources: resources } },
    },
    configSchemaHandler: {
      defineFunctionEventProperties: (_provider, event, schema) => void defined.push([event, schema]),
    },
    getProvider: () => ({
      getStage: () => 'local',
      getRegion: () => 'eu-west-1',
      naming: { getLambdaLogicalId: (key) => `${key[0]?.toUpperCase()}${key.slice(1)}LambdaFunction` },
    }),
  };
  return { serverless, defined, resources };
}

const log = () => {
  const lines: string[] = [];
  const push = (line: string) => void lines.push(line);
  return { lines, info: push, warn: push, error: push };
};

const msk = (extra: Record<string, unknown> = {}) => ({
  msk: { arn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/c/1', topic: 'orders', ...extra },
});

describe('serverless-kafka-events plugin', () => {
  it("adds the keys osls lacks to osls' schema, for both event types", () => {
    // Act
    const { defined } = (() => {
      const fake = fakeServerless({}, []);
      new OfflineKafkaPlugin(fake.serverless, {}, log());
      return fake;
    })();

    // Assess
    expect(defined.map(([event]) => event)).toEqual(['msk', 'kafka']);
  });

  it('compiles the added keys into the mapping osls compiled', async () => {
    // Prepare
    const { serverless, resources } = fakeServerless({}, [msk({ maximumRetryAttempts: 3 })]);
    const plugin = new OfflineKafkaPlugin(serverless, {}, log());

    // Act
    await plugin.hooks['after:package:compileEvents']?.();

    // Assess
    expect(resources.Mapping?.Properties?.MaximumRetryAttempts).toBe(3);
  });

  it('does nothing when custom.offlineKafka turns it off', async () => {
    // Prepare
    const lines = log();
    const { serverless } = fakeServerless({ offlineKafka: { enabled: false } }, [msk()]);

    // Act
    await new OfflineKafkaPlugin(serverless, {}, lines).start();

    // Assess
    expect(lines.lines).toEqual([]);
  });

  it('says which mappings are disabled, and polls none of them', async () => {
    // Prepare
    const lines = log();
    const { serverless } = fakeServerless({}, [msk({ enabled: false })]);
    const plugin = new OfflineKafkaPlugin(serverless, {}, lines);

    // Act
    await plugin.hooks['offline:start:init']?.();
    await plugin.hooks['before:offline:start:end']?.();

    // Assess
    expect(lines.lines).toEqual(['functions.orders.events[0].msk: enabled: false, not polling orders']);
  });

  it('fails the start naming a wrong custom.offlineKafka key', async () => {
    // Prepare
    const { serverless } = fakeServerless({ offlineKafka: { retryInitialDelayMs: -1, unknown: true } }, []);

    // Act / Assess
    await expect(new OfflineKafkaPlugin(serverless, {}, log()).start()).rejects.toMatchObject({
      code: 'INVALID_PLUGIN_CONFIG',
      message: expect.stringMatching(/custom\.offlineKafka: .*retryInitialDelayMs/),
    });
  });

  it('fails the start naming a wrong event key', async () => {
    // Prepare
    const { serverless } = fakeServerless({}, [msk({ batchSize: 0 })]);

    // Act / Assess
    await expect(new OfflineKafkaPlugin(serverless, {}, log()).start()).rejects.toMatchObject({
      code: 'INVALID_EVENT_CONFIG',
      message: expect.stringContaining('functions.orders.events[0].msk: batchSize'),
    });
  });
});
