/**
 * A client of the Confluent Schema Registry REST API, the subset serializers use: a schema by id
 * (`GET /schemas/ids/{id}`) and a subject's version (`GET /subjects/{subject}/versions/{version}`), Protobuf
 * schemas as serialized FileDescriptorProtos (`?format=serialized`). It works with Confluent Platform,
 * Confluent Cloud (basic auth with an API key), Redpanda and the local registry (src/schema-registry/).
 *
 * One per container, with a cache: ids and numbered versions never change, so they are kept for the
 * container's life; `latest` is kept for `latestTtlMs`, the staleness bound. Concurrent look-ups of the same
 * thing share one request; failures are not cached.
 */
import * as z from 'zod';
import {
  SchemaNotFoundError,
  SchemaRegistryAuthenticationError,
  SchemaRegistryUnavailableError,
  SchemaSubjectNotFoundError,
  SchemaUnusableError,
  SchemaVersionNotFoundError,
  type ServiceError,
} from '../errors.js';
import { readUsernamePassword, type UsernamePassword } from '../secrets.js';
import type { SchemaRegistryConfig } from './config.js';

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** Another subject's version that a schema uses, by the name the schema refers to it with. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

export interface RegisteredSchema {
  id: number;
  schemaType: SchemaType;
  /** The schema text; for Protobuf, a base64 FileDescriptorProto (`?format=serialized`). */
  schema: string;
  references: SchemaReference[];
}

/** Which schema: by id, or a subject's numbered or `latest` version. */
export type SchemaSelector = { id: number } | { subject: string; version: number | 'latest' };

const SchemaResponse = z.object({
  id: z.int().optional(),
  schemaType: z.enum(['AVRO', 'PROTOBUF', 'JSON']).default('AVRO'),
  schema: z.string(),
  references: z
    .array(z.object({ name: z.string(), subject: z.string(), version: z.int() }))
    .nullish()
    .transform((references) => references ?? []),
});

const ErrorBody = z.object({ error_code: z.int(), message: z.string().optional() });

interface Cached {
  schema: Promise<RegisteredSchema>;
  /** Epoch milliseconds after which it is looked up again; Infinity for what never changes. */
  expiresAt: number;
}

export interface SchemaRegistryClientOptions {
  fetch?: typeof fetch;
  /** Epoch milliseconds (tests move it). */
  now?: () => number;
}

function describe(selector: SchemaSelector): string {
  return 'id' in selector
    ? `schema id ${selector.id}`
    : `subject ${selector.subject} version ${selector.version}`;
}

export class SchemaRegistryClient {
  /** HTTP requests sent to the registry so far: what the cache saves (the bench reports it per request). */
  requests = 0;
  private readonly cache = new Map<string, Cached>();
  private credentials: Promise<UsernamePassword | undefined> | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(
    private readonly config: Readonly<SchemaRegistryConfig> & { url: string },
    options: SchemaRegistryClientOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /**
   * The schema `selector` names; `serialized` asks for Protobuf's FileDescriptorProto form. Throws
   * SchemaSubjectNotFoundError, SchemaVersionNotFoundError or SchemaNotFoundError (404s of the registry),
   * SchemaRegistryAuthenticationError (401, 403), SchemaRegistryUnavailableError (unreachable, timed out,
   * 5xx, 429, an answer that is not the registry's).
   */
  schema(selector: SchemaSelector, serialized: boolean): Promise<RegisteredSchema> {
    const path =
      'id' in selector
        ? `/schemas/ids/${selector.id}`
        : `/subjects/${encodeURIComponent(selector.subject)}/versions/${selector.version}`;
    const key = `${path}${serialized ? '?format=serialized' : ''}`;
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.schema;
    const fixed = 'id' in selector || selector.version !== 'latest';
    const entry: Cached = {
      schema: this.get(key, selector),
      expiresAt: fixed ? Number.POSITIVE_INFINITY : now + this.config.latestTtlMs,
    };
    this.cache.set(key, entry);
    entry.schema.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return entry.schema;
  }

  private async get(pathAndQuery: string, selector: SchemaSelector): Promise<RegisteredSchema> {
    const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json' };
    const credentials = await this.basicAuth();
    if (credentials) {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
      headers.authorization = `Basic ${token}`;
    }
    this.requests++;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.config.url}${pathAndQuery}`, {
        headers,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new SchemaRegistryUnavailableError(
        timedOut
          ? `the schema registry did not answer within ${this.config.timeoutMs} ms`
          : 'the schema registry is unreachable',
        { cause },
      );
    }
    if (response.ok) {
      const parsed = SchemaResponse.safeParse(parseJson(text));
      if (!parsed.success) {
        throw new SchemaRegistryUnavailableError(
          'the schema registry answered with something else than a schema',
        );
      }
      const id = 'id' in selector ? selector.id : parsed.data.id;
      if (id === undefined)
        throw new SchemaRegistryUnavailableError('the schema registry answered without an id');
      return { ...parsed.data, id };
    }
    throw registryError(response, text, selector);
  }

  private basicAuth(): Promise<UsernamePassword | undefined> {
    const { credentials } = this.config;
    if (credentials.kind === 'none') return Promise.resolve(undefined);
    if (credentials.kind === 'inline') return Promise.resolve(credentials);
    this.credentials ??= readUsernamePassword(credentials.secretArn, credentials.region).catch(
      (cause: unknown) => {
        this.credentials = undefined;
        throw new SchemaRegistryAuthenticationError('the schema registry credentials could not be read', {
          cause,
        });
      },
    );
    return this.credentials;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Seconds from a Retry-After header (delta-seconds only), at least 1. */
function retryAfter(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 1;
}

/** The registry's error answer as ours; its own message is kept for 4xx (it names the subject or id). */
function registryError(response: Response, text: string, selector: SchemaSelector): ServiceError {
  const body = ErrorBody.safeParse(parseJson(text));
  const code = body.success ? body.data.error_code : undefined;
  const what = describe(selector);
  switch (code) {
    case 40401:
      return new SchemaSubjectNotFoundError(
        `the schema registry has no ${'subject' in selector ? `subject ${selector.subject}` : what}`,
      );
    case 40402:
      return new SchemaVersionNotFoundError(`the schema registry has no ${what}`);
    case 40403:
      return new SchemaNotFoundError(`the schema registry has no ${what}`);
    case 42202:
      return new SchemaUnusableError(
        `the schema registry refuses ${what}: ${body.data?.message ?? 'invalid version'}`,
      );
  }
  if (response.status === 401 || response.status === 403) {
    return new SchemaRegistryAuthenticationError(
      `the schema registry refused the service's credentials (HTTP ${response.status})`,
    );
  }
  if (response.status === 404 && 'id' in selector)
    return new SchemaNotFoundError(`the schema registry has no ${what}`);
  return new SchemaRegistryUnavailableError(
    `the schema registry answered HTTP ${response.status} for ${what}`,
    {
      retryAfterSeconds: retryAfter(response),
    },
  );
}
