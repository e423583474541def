import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { httpStatus } from '../../../src/shared/http/status.js';
import type { SchemaRegistryConfig } from '../../../src/shared/schema/config.js';
import { SchemaRegistryClient } from '../../../src/shared/schema/registry-client.js';
import { serviceFailure } from '../../support/errors.js';
import { registerSchema } from '../../support/schemas.js';

const avro = (name: string, ...more: string[]) =>
  JSON.stringify({
    type: 'record',
    name,
    fields: [
      { name: 'id', type: 'string' },
      ...more.map((field) => ({ name: field, type: 'string', default: '' })),
    ],
  });

function config(url: string, overrides: Partial<SchemaRegistryConfig> = {}) {
  return { url, credentials: { kind: 'none' as const }, latestTtlMs: 60_000, timeoutMs: 2000, ...overrides };
}

let registry: RunningSchemaRegistry;
const register = (subject: string, schema: string, schemaType?: 'AVRO' | 'PROTOBUF' | 'JSON') =>
  registerSchema(registry.url, subject, schema, schemaType);

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
});
afterAll(() => registry.stop());

describe('SchemaRegistryClient against the local registry', () => {
  it('finds a schema by id and by version, and Protobuf in its serialized form', async () => {
    // Prepare
    const id = await register('client-a-value', avro('A'));
    const protobufId = await register(
      'client-p-value',
      'syntax = "proto3"; message P { string id = 1; }',
      'PROTOBUF',
    );
    const client = new SchemaRegistryClient(config(registry.url));

    // Act
    const byId = await client.schema({ id }, false);
    const byVersion = await client.schema({ subject: 'client-a-value', version: 1 }, false);
    const serialized = await client.schema({ subject: 'client-p-value', version: 'latest' }, true);

    // Assess
    expect(byId).toEqual({ id, schemaType: 'AVRO', schema: avro('A'), references: [] });
    expect(byVersion).toEqual(byId);
    expect(serialized).toMatchObject({ id: protobufId, schemaType: 'PROTOBUF' });
    expect(serialized.schema).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('asks once for what never changes, and again for latest once its time is up', async () => {
    // Prepare
    let now = 1_000_000;
    await register('client-cache-value', avro('C'));
    const client = new SchemaRegistryClient(config(registry.url, { latestTtlMs: 30_000 }), {
      now: () => now,
    });

    // Act
    const first = await Promise.all(
      [1, 2, 3].map(() => client.schema({ subject: 'client-cache-value', version: 'latest' }, false)),
    );
    await client.schema({ id: first[0]?.id ?? 0 }, false);
    await client.schema({ id: first[0]?.id ?? 0 }, false);
    const requestsWarm = client.requests;
    await register('client-cache-value', avro('C', 'note'));
    now += 29_999;
    const stale = await client.schema({ subject: 'client-cache-value', version: 'latest' }, false);
    now += 1;
    const fresh = await client.schema({ subject: 'client-cache-value', version: 'latest' }, false);

    // Assess: concurrent look-ups shared one request.
    expect(requestsWarm).toBe(2);
    expect(stale.id).toBe(first[0]?.id);
    expect(fresh.id).not.toBe(stale.id);
    expect(client.requests).toBe(3);
  });

  it.each([
    [{ subject: 'client-nothing', version: 'latest' as const }, 'SCHEMA_SUBJECT_NOT_FOUND', 404],
    [{ subject: 'client-a-value', version: 9 }, 'SCHEMA_VERSION_NOT_FOUND', 404],
    [{ id: 999_999 }, 'SCHEMA_NOT_FOUND', 404],
  ])('answers %j with %s, and does not cache it', async (selector, code, status) => {
    // Prepare
    await register('client-a-value', avro('A'));
    const client = new SchemaRegistryClient(config(registry.url));

    // Act
    const error = await serviceFailure(client.schema(selector, false));
    await serviceFailure(client.schema(selector, false));

    // Assess
    expect([error.code, httpStatus(error)]).toEqual([code, status]);
    expect(client.requests).toBe(2);
  });
});

describe('SchemaRegistryClient failures', () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...headers },
    });

  it('sends basic auth and maps a refusal to SCHEMA_REGISTRY_AUTHENTICATION_FAILED without the secret', async () => {
    // Prepare
    const seen: string[] = [];
    const client = new SchemaRegistryClient(
      config('https://registry.example', {
        credentials: { kind: 'inline', username: 'KEY', password: 'SECRET' },
      }),
      {
        fetch: async (_url, init) => {
          seen.push(String((init?.headers as Record<string, string> | undefined)?.authorization));
          return json(401, { error_code: 401, message: 'Unauthorized' });
        },
      },
    );

    // Act
    const error = await serviceFailure(client.schema({ id: 1 }, false));

    // Assess
    expect(seen).toEqual([`Basic ${Buffer.from('KEY:SECRET').toString('base64')}`]);
    expect([error.code, httpStatus(error), error.retriable]).toEqual([
      'SCHEMA_REGISTRY_AUTHENTICATION_FAILED',
      500,
      false,
    ]);
    expect(error.message).not.toContain('SECRET');
  });

  it.each([
    [
      'a 5xx, with its Retry-After',
      async () => json(503, { error_code: 50302, message: 'busy' }, { 'retry-after': '7' }),
      7,
    ],
    ['a 429', async () => json(429, { error_code: 429, message: 'slow down' }), 1],
    [
      "an answer that is not the registry's",
      async () => new Response('<html>proxy</html>', { status: 200 }),
      1,
    ],
    ['a refused connection', async (): Promise<Response> => Promise.reject(new TypeError('fetch failed')), 1],
  ])('answers %s with SCHEMA_REGISTRY_UNAVAILABLE (503, retriable)', async (_, answer, retryAfter) => {
    // Prepare
    const client = new SchemaRegistryClient(config('https://registry.example'), { fetch: answer });

    // Act
    const error = await serviceFailure(client.schema({ id: 1 }, false));

    // Assess
    expect([error.code, httpStatus(error), error.retriable, error.retryAfterSeconds]).toEqual([
      'SCHEMA_REGISTRY_UNAVAILABLE',
      503,
      true,
      retryAfter,
    ]);
  });

  it('gives up on a registry that does not answer within its timeout', async () => {
    // Prepare: a fetch that only ends when aborted.
    const client = new SchemaRegistryClient(config('https://registry.example', { timeoutMs: 100 }), {
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    });

    // Act
    const error = await serviceFailure(client.schema({ subject: 's', version: 'latest' }, false));

    // Assess
    expect(error.code).toBe('SCHEMA_REGISTRY_UNAVAILABLE');
    expect(error.message).toContain('100 ms');
  });
});
