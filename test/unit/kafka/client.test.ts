import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saslOptions } from '../../../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../../../src/shared/kafka/config.js';

describe('Kafka authentication settings', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    // Static credentials: the MSK IAM token is a SigV4 presigned URL signed locally, no network involved.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-1',
    });
  });
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('signs an MSK IAM token for kafka-cluster:Connect in the configured region (SASL/OAUTHBEARER)', async () => {
    // Prepare
    const config = loadKafkaConfig({
      MSK_CLUSTER_ARN:
        'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/0f0e0d0c-1111-2222-3333-444455556666-1',
      KAFKA_AUTH: 'msk-iam',
      AWS_REGION: 'eu-west-1',
    });

    // Act
    const sasl = await saslOptions(config.auth, config.region);
    if (sasl?.mechanism !== 'oauthbearer') throw new Error(`expected oauthbearer, got ${sasl?.mechanism}`);
    const { value } = await sasl.oauthBearerProvider();

    // Assess: the token is the base64url of a presigned URL (aws-msk-iam-sasl-signer-js).
    const url = new URL(Buffer.from(value, 'base64url').toString());
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
    );
    expect(config.tls).toBe(true);
  });

  it.each([
    ['scram-sha-512', 'scram-sha-512'],
    ['plain', 'plain'],
  ])('passes %s credentials from the environment to the client', async (mode, mechanism) => {
    const config = loadKafkaConfig({
      KAFKA_BROKERS: 'b-1:9096',
      KAFKA_AUTH: mode,
      KAFKA_SASL_USERNAME: 'user',
      KAFKA_SASL_PASSWORD: 'pass',
    });

    expect(await saslOptions(config.auth, config.region)).toEqual({
      mechanism,
      username: 'user',
      password: 'pass',
    });
    expect(config.tls).toBe(true);
  });

  it.each([
    [{}, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'b:9092', KAFKA_AUTH: 'scram-sha-512' }, 'KAFKA_SASL_SECRET_ARN'],
    [{ KAFKA_BROKERS: 'b:9092', KAFKA_AUTH: 'msk-iam' }, 'AWS_REGION'],
    [{ KAFKA_BROKERS: 'b:9092', KAFKA_AUTH: 'kerberos' }, 'KAFKA_AUTH'],
    [{ MSK_CLUSTER_ARN: 'not-an-arn', AWS_REGION: 'eu-west-1' }, 'MSK_CLUSTER_ARN'],
  ])('fails the cold start naming the variable for %j', (env, variable) => {
    expect(() => loadKafkaConfig(env)).toThrow(variable);
  });
});
