import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningKafka, startKafka } from '../../../infra/kafka/broker.js';
import { createTopics } from '../../support/kafka.js';
import { startMoto } from '../../support/moto.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';

const user = { username: 'svc-producer', password: 'pa55-Word!' };

describe('SASL authentication against a real broker (SCRAM-SHA-512 and PLAIN)', () => {
  let kafka: RunningKafka;
  let sasl: string;
  beforeAll(async () => {
    kafka = await startKafka({ saslUser: user });
    sasl = kafka.saslBootstrap ?? '';
    await createTopics(kafka.bootstrap, [{ name: 'authenticated' }]);
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  it.each(['scram-sha-512', 'plain'])('produces with %s credentials', async (mechanism) => {
    const api = produceHandler(sasl, {
      KAFKA_AUTH: mechanism,
      KAFKA_TLS: 'false',
      KAFKA_SASL_USERNAME: user.username,
      KAFKA_SASL_PASSWORD: user.password,
    });

    const answer = await api.produce('authenticated', { records: [{ value: mechanism }] });

    expect(answer.status).toBe(200);
    const read = await readWithKafkaPython(kafka.bootstrap, 'authenticated', mechanism === 'plain' ? 2 : 1);
    expect(read.map((r) => Buffer.from(r.value ?? '', 'base64').toString())).toContain(
      JSON.stringify(mechanism),
    );
  });

  it('answers 500 without the credentials in the body when they are wrong', async () => {
    const api = produceHandler(sasl, {
      KAFKA_AUTH: 'scram-sha-512',
      KAFKA_TLS: 'false',
      KAFKA_SASL_USERNAME: user.username,
      KAFKA_SASL_PASSWORD: 'not-the-password',
      PRODUCE_TIMEOUT_MS: '5000',
    });

    const answer = await api.produce('authenticated', { records: [{ value: 1 }] });

    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: 'BROKER_AUTHENTICATION_FAILED', retriable: false });
    expect(JSON.stringify(answer.body)).not.toContain('not-the-password');
    expect(JSON.stringify(answer.body)).not.toContain(user.username);
  });

  // Starting moto (and installing it from PyPI on a fresh clone) takes 20-30 s of the run.
  it('reads the credentials from a Secrets Manager secret (moto as a real local server)', {
    timeout: 180_000,
  }, async () => {
    // Prepare: the SDK finds moto through AWS_ENDPOINT_URL, as it would find AWS.
    const moto = await startMoto();
    const awsEnvironment = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-west-1',
    };
    const saved = Object.fromEntries(Object.keys(awsEnvironment).map((name) => [name, process.env[name]]));
    Object.assign(process.env, awsEnvironment);
    try {
      const secrets = new SecretsManagerClient({});
      const { ARN } = await secrets.send(
        new CreateSecretCommand({ Name: 'AmazonMSK_producer', SecretString: JSON.stringify(user) }),
      );
      const api = produceHandler(sasl, {
        KAFKA_AUTH: 'scram-sha-512',
        KAFKA_TLS: 'false',
        KAFKA_SASL_SECRET_ARN: ARN,
        AWS_REGION: 'eu-west-1',
      });

      // Act
      const answer = await api.produce('authenticated', { records: [{ value: 'from a secret' }] });

      // Assess
      expect(answer.status).toBe(200);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await moto.stop();
    }
  });
});
