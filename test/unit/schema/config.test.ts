import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/shared/config.js';
import { loadSchemaRegistryConfig } from '../../../src/shared/schema/config.js';

describe('loadSchemaRegistryConfig', () => {
  it('has no registry and no credentials by default, latest kept 60 s', () => {
    expect(loadSchemaRegistryConfig({})).toEqual({
      url: undefined,
      credentials: { kind: 'none' },
      latestTtlMs: 60_000,
      timeoutMs: 5000,
    });
  });

  it('reads the URL without its trailing slash, and credentials from a secret before the environment', () => {
    // Act
    const config = loadSchemaRegistryConfig({
      SCHEMA_REGISTRY_URL: 'https://psrc-1.eu-west-1.aws.confluent.cloud/',
      SCHEMA_REGISTRY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sr-AbCdEf',
      SCHEMA_REGISTRY_USERNAME: 'key',
      SCHEMA_REGISTRY_PASSWORD: 'secret',
      SCHEMA_REGISTRY_CACHE_SECONDS: '0',
      AWS_REGION: 'eu-west-1',
    });

    // Assess
    expect(config).toMatchObject({
      url: 'https://psrc-1.eu-west-1.aws.confluent.cloud',
      credentials: {
        kind: 'secret',
        secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sr-AbCdEf',
        region: 'eu-west-1',
      },
      latestTtlMs: 0,
    });
    expect(
      loadSchemaRegistryConfig({ SCHEMA_REGISTRY_USERNAME: 'key', SCHEMA_REGISTRY_PASSWORD: 's' })
        .credentials,
    ).toEqual({
      kind: 'inline',
      username: 'key',
      password: 's',
    });
  });

  it.each([
    [{ SCHEMA_REGISTRY_URL: 'ftp://registry' }, 'SCHEMA_REGISTRY_URL'],
    [{ SCHEMA_REGISTRY_URL: 'https://key:secret@registry.example' }, 'SCHEMA_REGISTRY_URL'],
    [{ SCHEMA_REGISTRY_SECRET_ARN: 'not-an-arn' }, 'SCHEMA_REGISTRY_SECRET_ARN'],
    [{ SCHEMA_REGISTRY_USERNAME: 'key' }, 'SCHEMA_REGISTRY_PASSWORD'],
    [{ SCHEMA_REGISTRY_CACHE_SECONDS: '-1' }, 'SCHEMA_REGISTRY_CACHE_SECONDS'],
  ])('fails the cold start naming the variable for %j', (env, variable) => {
    expect(() => loadSchemaRegistryConfig(env)).toThrow(ConfigurationError);
    expect(() => loadSchemaRegistryConfig(env)).toThrow(variable);
  });

  it('keeps credentials out of the message of a URL that carries them', () => {
    expect(() =>
      loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: 'https://key:hunter2@registry.example' }),
    ).not.toThrow('hunter2');
  });
});
