/**
 * The registry's REST API on node:http: the routes, query parameters, bodies and media types of Confluent
 * Schema Registry's v1 API (io.confluent.kafka.schemaregistry.rest.resources) that clients use.
 * docs/schema-registry.md lists them and every difference.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import * as errors from './errors.js';
import { httpStatus, RegistryError } from './errors.js';
import { COMPATIBILITY_LEVELS, MODES, SCHEMA_TYPES } from './model.js';
import type { SchemaRegistry } from './registry.js';

const V1_JSON = 'application/vnd.schemaregistry.v1+json';
const DEFAULT_JSON = 'application/vnd.schemaregistry+json';
const JSON_TYPE = 'application/json';
/** What Confluent's resources @Consume; a missing Content-Type is taken as octet-stream, as Jersey does. */
const REQUEST_TYPES = [V1_JSON, DEFAULT_JSON, JSON_TYPE, 'application/octet-stream'];
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** A failure shaped as Confluent's ErrorMessage, for codes that are bare HTTP statuses. */
class HttpError extends RegistryError {}

const Reference = z.object({ name: z.string(), subject: z.string(), version: z.number().int() });
const SchemaRequest = z.object({
  schema: z.string().optional(),
  schemaType: z.string().optional(),
  references: z
    .array(Reference)
    .nullish()
    .transform((value) => value ?? undefined),
  metadata: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((value) => value ?? undefined),
  ruleSet: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((value) => value ?? undefined),
  id: z.number().int().optional(),
  version: z.number().int().optional(),
});

/** Config fields Confluent's registry has and this one does not implement: refused rather than ignored. */
const UNSUPPORTED_CONFIG = [
  'alias',
  'aliasForDeks',
  'validateFields',
  'validateNewSchemas',
  'validateRules',
  'compatibilityPolicy',
  'compatibilityGroup',
  'defaultMetadata',
  'overrideMetadata',
  'defaultRuleSet',
  'overrideRuleSet',
];
const ConfigRequest = z.object({
  compatibility: z.string().nullish(),
  compatibilityLevel: z.string().nullish(),
  normalize: z.boolean().nullish(),
});
const ModeRequest = z.object({ mode: z.string() });

interface Request {
  method: string;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
}

type Handler = (registry: SchemaRegistry, request: Request) => unknown;

/** A query flag as JAX-RS reads a boolean: `true` in any case is true, anything else false. */
const flag = (query: URLSearchParams, name: string) => query.get(name)?.toLowerCase() === 'true';

function integer(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new HttpError(404, `HTTP 404 Not Found`);
  return value;
}

/** The query parameters GET /schemas and GET /subjects share: a subject prefix, deleted ones too, a page. */
function listing(query: URLSearchParams) {
  return {
    subjectPrefix: query.get('subjectPrefix') ?? '',
    deleted: flag(query, 'deleted'),
    offset: integer(query, 'offset', 0),
    limit: integer(query, 'limit', -1),
  };
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined || body === null) throw new HttpError(422, 'Request body is missing');
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new HttpError(422, `Invalid ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

function schemaId(text: string | undefined): number {
  const id = Number(text);
  // JAX-RS answers 404 when a path parameter does not convert to its Integer.
  if (!Number.isInteger(id) || !/^-?\d+$/.test(text ?? '')) throw new HttpError(404, 'HTTP 404 Not Found');
  return id;
}

const subjectOf = (request: Request) => request.params[0] ?? '';

async function configUpdate(registry: SchemaRegistry, subject: string | null, request: Request) {
  const body = await request.body();
  if (body && typeof body === 'object') {
    const unsupported = Object.keys(body).filter(
      (key) => UNSUPPORTED_CONFIG.includes(key) && (body as Record<string, unknown>)[key] != null,
    );
    if (unsupported.length > 0)
      throw errors.operationNotPermitted(
        `Config ${unsupported.join(', ')} is not supported by this local schema registry (see docs/schema-registry.md)`,
      );
  }
  const update = parseBody(ConfigRequest, body);
  const level = update.compatibility ?? update.compatibilityLevel;
  if (level != null && !(COMPATIBILITY_LEVELS as readonly string[]).includes(level.toUpperCase()))
    throw errors.invalidCompatibilityLevel();
  const config = await registry.updateConfig(subject, {
    ...(level != null
      ? { compatibilityLevel: level.toUpperCase() as (typeof COMPATIBILITY_LEVELS)[number] }
      : {}),
    ...(update.normalize != null ? { normalize: update.normalize } : {}),
  });
  // Confluent answers with a ConfigUpdateRequest, whose level is named `compatibility`.
  const { compatibilityLevel, ...rest } = config;
  return { ...(compatibilityLevel ? { compatibility: compatibilityLevel } : {}), ...rest };
}

async function modeUpdate(registry: SchemaRegistry, subject: string | null, request: Request) {
  const { mode } = parseBody(ModeRequest, await request.body());
  const upper = mode.toUpperCase();
  if (!(MODES as readonly string[]).includes(upper)) throw errors.invalidMode();
  return registry.setMode(subject, upper as (typeof MODES)[number], flag(request.query, 'force'));
}

async function schemaBody(request: Request) {
  return parseBody(SchemaRequest, await request.body());
}

const SEGMENT = '([^/]+)';
type Route = [method: string, path: RegExp, handler: Handler];

/**
 * A subject's own setting (`/config/{subject}`, `/mode/{subject}`): read it (the global one instead when it has
 * none and `?defaultToGlobal=true`), replace it, delete it.
 */
function subjectSettingRoutes(
  setting: 'config' | 'mode',
  operations: {
    get: (registry: SchemaRegistry, subject: string, defaultToGlobal: boolean) => unknown;
    update: (registry: SchemaRegistry, subject: string, request: Request) => unknown;
    remove: (registry: SchemaRegistry, subject: string) => unknown;
  },
): Route[] {
  const path = new RegExp(`^/${setting}/${SEGMENT}$`);
  return [
    [
      'GET',
      path,
      (registry, request) =>
        operations.get(registry, subjectOf(request), flag(request.query, 'defaultToGlobal')),
    ],
    ['PUT', path, (registry, request) => operations.update(registry, subjectOf(request), request)],
    ['DELETE', path, (registry, request) => operations.remove(registry, subjectOf(request))],
  ];
}

const routes: Route[] = [
  ['GET', /^\/$/, () => ({})],
  ['GET', /^\/schemas\/types$/, () => [...SCHEMA_TYPES].reverse()],
  [
    'GET',
    /^\/schemas$/,
    (registry, { query }) =>
      registry.listSchemas({ ...listing(query), latestOnly: flag(query, 'latestOnly') }),
  ],
  [
    'GET',
    new RegExp(`^/schemas/ids/${SEGMENT}$`),
    (registry, { params, query }) =>
      registry.schemaById(schemaId(params[0]), {
        subject: query.get('subject') ?? undefined,
        format: query.get('format') ?? undefined,
        fetchMaxId: flag(query, 'fetchMaxId'),
      }),
  ],
  [
    'GET',
    new RegExp(`^/schemas/ids/${SEGMENT}/schema$`),
    (registry, { params, query }) =>
      new RawSchema(
        registry.schemaById(schemaId(params[0]), {
          subject: query.get('subject') ?? undefined,
          format: query.get('format') ?? undefined,
        }).schema,
      ),
  ],
  [
    'GET',
    new RegExp(`^/schemas/ids/${SEGMENT}/subjects$`),
    (registry, { params, query }) => registry.subjectsOfId(schemaId(params[0]), flag(query, 'deleted')),
  ],
  [
    'GET',
    new RegExp(`^/schemas/ids/${SEGMENT}/versions$`),
    (registry, { params, query }) => registry.versionsOfId(schemaId(params[0]), flag(query, 'deleted')),
  ],
  [
    'GET',
    new RegExp(`^/schemas/guids/${SEGMENT}$`),
    (registry, { params, query }) => registry.schemaByGuid(params[0] ?? '', query.get('format') ?? undefined),
  ],
  [
    'GET',
    /^\/subjects$/,
    (registry, { query }) =>
      registry.listSubjects({ ...listing(query), deletedOnly: flag(query, 'deletedOnly') }),
  ],
  [
    'POST',
    new RegExp(`^/subjects/${SEGMENT}$`),
    async (registry, request) =>
      registry.lookup(subjectOf(request), await schemaBody(request), {
        normalize: flag(request.query, 'normalize'),
        deleted: flag(request.query, 'deleted'),
      }),
  ],
  [
    'DELETE',
    new RegExp(`^/subjects/${SEGMENT}$`),
    (registry, request) => registry.deleteSubject(subjectOf(request), flag(request.query, 'permanent')),
  ],
  [
    'GET',
    new RegExp(`^/subjects/${SEGMENT}/versions$`),
    (registry, request) =>
      registry.listVersions(subjectOf(request), {
        deleted: flag(request.query, 'deleted'),
        deletedOnly: flag(request.query, 'deletedOnly'),
        deletedAsNegative: flag(request.query, 'deletedAsNegative'),
        offset: integer(request.query, 'offset', 0),
        limit: integer(request.query, 'limit', -1),
      }),
  ],
  [
    'POST',
    new RegExp(`^/subjects/${SEGMENT}/versions$`),
    async (registry, request) => {
      const registered = await registry.register(subjectOf(request), await schemaBody(request), {
        normalize: flag(request.query, 'normalize'),
        force: flag(request.query, 'force'),
      });
      const format = request.query.get('format');
      const { subject: _subject, ...response } = registered;
      return format ? { ...response, schema: registry.formatted(registered, format) } : response;
    },
  ],
  [
    'GET',
    new RegExp(`^/subjects/${SEGMENT}/versions/${SEGMENT}$`),
    (registry, request) => {
      const found = registry.getVersion(subjectOf(request), request.params[1] ?? '', {
        deleted: flag(request.query, 'deleted'),
      });
      const format = request.query.get('format');
      return format ? { ...found, schema: registry.formatted(found, format) } : found;
    },
  ],
  [
    'GET',
    new RegExp(`^/subjects/${SEGMENT}/versions/${SEGMENT}/schema$`),
    (registry, request) =>
      new RawSchema(
        registry.getVersion(subjectOf(request), request.params[1] ?? '', {
          deleted: flag(request.query, 'deleted'),
        }).schema,
      ),
  ],
  [
    'GET',
    new RegExp(`^/subjects/${SEGMENT}/versions/${SEGMENT}/referencedby$`),
    (registry, request) => registry.referencedBy(subjectOf(request), request.params[1] ?? ''),
  ],
  [
    'DELETE',
    new RegExp(`^/subjects/${SEGMENT}/versions/${SEGMENT}$`),
    (registry, request) =>
      registry.deleteVersion(subjectOf(request), request.params[1] ?? '', flag(request.query, 'permanent')),
  ],
  [
    'GET',
    new RegExp(`^/subjects/${SEGMENT}/metadata$`),
    (registry, request) => {
      const keys = request.query.getAll('key');
      const values = request.query.getAll('value');
      const properties = Object.fromEntries(
        keys.slice(0, values.length).map((key, index) => [key, values[index] ?? '']),
      );
      return registry.latestWithMetadata(subjectOf(request), properties, flag(request.query, 'deleted'));
    },
  ],
  [
    'POST',
    new RegExp(`^/compatibility/subjects/${SEGMENT}/versions$`),
    async (registry, request) =>
      registry.checkCompatibility(subjectOf(request), undefined, await schemaBody(request), {
        verbose: flag(request.query, 'verbose'),
        normalize: flag(request.query, 'normalize'),
      }),
  ],
  [
    'POST',
    new RegExp(`^/compatibility/subjects/${SEGMENT}/versions/${SEGMENT}$`),
    async (registry, request) =>
      registry.checkCompatibility(subjectOf(request), request.params[1] ?? '', await schemaBody(request), {
        verbose: flag(request.query, 'verbose'),
        normalize: flag(request.query, 'normalize'),
      }),
  ],
  ['GET', /^\/config$/, (registry, { query }) => registry.getConfig(null, flag(query, 'defaultToGlobal'))],
  ['PUT', /^\/config$/, (registry, request) => configUpdate(registry, null, request)],
  ['DELETE', /^\/config$/, (registry) => registry.deleteConfig(null)],
  ...subjectSettingRoutes('config', {
    get: (registry, subject, defaultToGlobal) => registry.getConfig(subject, defaultToGlobal),
    update: configUpdate,
    remove: (registry, subject) => registry.deleteConfig(subject),
  }),
  ['GET', /^\/mode$/, (registry) => registry.getMode(null, true)],
  ['PUT', /^\/mode$/, (registry, request) => modeUpdate(registry, null, request)],
  ...subjectSettingRoutes('mode', {
    get: (registry, subject, defaultToGlobal) => registry.getMode(subject, defaultToGlobal),
    update: modeUpdate,
    remove: (registry, subject) => registry.deleteMode(subject),
  }),
  ['GET', /^\/contexts$/, () => ['.']],
];

/** A schema returned as itself (the `/schema` routes), not wrapped in an object. */
class RawSchema {
  constructor(readonly text: string) {}
}

/** The media type of the answer, from the request's Accept header (Confluent's preference order). */
function responseType(accept: string | undefined): string | undefined {
  if (!accept) return V1_JSON;
  const offered = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  if (offered.some((type) => type === V1_JSON || type === '*/*' || type === 'application/*')) return V1_JSON;
  if (offered.includes(DEFAULT_JSON)) return DEFAULT_JSON;
  if (offered.includes(JSON_TYPE)) return JSON_TYPE;
  return undefined;
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Request body is too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new HttpError(400, `Invalid JSON body: ${(error as Error).message}`));
      }
    });
  });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(404, 'HTTP 404 Not Found');
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A node:http request listener serving `registry`. Never throws: every failure becomes an error body. */
export function requestListener(registry: SchemaRegistry, log: (message: string) => void = () => {}) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const type = responseType(request.headers.accept) ?? V1_JSON;
    try {
      if (!responseType(request.headers.accept)) throw new HttpError(406, 'HTTP 406 Not Acceptable');
      const url = new URL(request.url ?? '/', 'http://registry');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const method = request.method ?? 'GET';
      const matching = routes
        .map(([routeMethod, pattern, handler]) => ({ routeMethod, match: pattern.exec(path), handler }))
        .filter(({ match }) => match);
      if (matching.length === 0) throw new HttpError(404, 'HTTP 404 Not Found');
      const route = matching.find(({ routeMethod }) => routeMethod === method);
      if (!route?.match) throw new HttpError(405, 'HTTP 405 Method Not Allowed');
      const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      const body = () => {
        if (contentType && !REQUEST_TYPES.includes(contentType))
          return Promise.reject(new HttpError(415, 'HTTP 415 Unsupported Media Type'));
        return readBody(request);
      };
      const params = route.match.slice(1).map(decodeSegment);
      const result = await route.handler(registry, { method, params, query: url.searchParams, body });
      if (result instanceof RawSchema) send(response, 200, type, result.text);
      else send(response, 200, type, JSON.stringify(result));
    } catch (error) {
      const known = error instanceof RegistryError;
      const code = known ? error.errorCode : 50001;
      const status = httpStatus(code);
      if (status >= 500) {
        const cause = (error as Error).cause;
        log(
          `schema registry: ${request.method} ${request.url}: ${String(error)}${cause ? ` (${String(cause)})` : ''}`,
        );
      }
      // Internals of a 5xx (broker addresses, stack traces) stay in the log.
      const message = known ? error.message : 'Internal Server Error';
      send(response, status, type, JSON.stringify({ error_code: code, message }));
    }
  };
}
