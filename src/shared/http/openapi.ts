/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas that validate requests.
 * Each route is registered here once; a test checks real requests and responses against the document.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { loadAdminConfig } from '../admin/config.js';
import { registerAdminRoutes } from '../admin/openapi.js';
import { adminRequestSchemas, MAX_PARTITIONS } from '../admin/schema.js';
import { loadProduceConfig } from '../produce/config.js';
import { ProducePartialResponse, ProduceResponse, produceRequestSchema } from '../produce/schema.js';
import { registerRoute } from './routes.js';
import { ErrorResponse, TopicName } from './schema.js';

const HealthResponse = z
  .object({
    status: z.literal('ok'),
    kafka: z.object({ brokers: z.int(), controller: z.int().nullable(), clusterId: z.string() }),
  })
  .meta({ id: 'HealthResponse' });

const errorContent = { 'application/json': { schema: ErrorResponse } };
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: errorDescriptions[status] ?? 'Error', content: errorContent },
    ]),
  );
const errorDescriptions: Record<number, string> = {
  400: 'Invalid JSON, a schema violation (details name the fields), a value that does not fit its registered schema (SCHEMA_VALIDATION_FAILED: details name each record and field), or a partition out of range',
  403: 'The topic is outside the allowed pattern',
  404: 'The topic does not exist (topics are never created by producing), or the schema registry has no such subject, version or schema id (SCHEMA_SUBJECT_NOT_FOUND, SCHEMA_VERSION_NOT_FOUND, SCHEMA_NOT_FOUND)',
  422: 'The registered schema cannot serialize the request (SCHEMA_UNUSABLE): another type than the format, no such Protobuf message, or no schema registry configured',
  413: "The body is over the limit, or a record is over the topic's max.message.bytes",
  415: 'Content-Type is not application/json',
  429: 'The broker is throttling; see Retry-After',
  500: 'Unexpected; the request id identifies it in the logs',
  503: 'The broker or the schema registry is unavailable; see Retry-After',
  504: 'The broker did not answer in time; the outcome is unknown, so retrying may duplicate records',
};

/** The limits that are settings (PRODUCE_MAX_RECORDS, ADMIN_MAX_PARTITIONS), as the document states them. */
export interface DocumentedLimits {
  maxRecords: number;
  maxPartitions: number;
}

const DEFAULT_LIMITS: DocumentedLimits = { maxRecords: 500, maxPartitions: MAX_PARTITIONS };

function registry(limits: DocumentedLimits): OpenAPIRegistry {
  const routes = new OpenAPIRegistry();
  registerRoute(routes, 'POST /v1/topics/{topic}/records', {
    operationId: 'produceRecords',
    summary: 'Produce records to a topic',
    request: {
      params: z.object({ topic: TopicName }),
      body: {
        required: true,
        content: { 'application/json': { schema: produceRequestSchema(limits.maxRecords) } },
      },
    },
    responses: {
      200: {
        description: 'Every record was written',
        content: { 'application/json': { schema: ProduceResponse } },
      },
      202: {
        description: 'acks=none: sent, not acknowledged (offsets are null)',
        content: { 'application/json': { schema: ProduceResponse } },
      },
      207: {
        description: 'Some records were written and some not',
        content: { 'application/json': { schema: ProducePartialResponse } },
      },
      ...errors(400, 403, 404, 413, 415, 422, 429, 500, 503, 504),
    },
  });
  registerRoute(routes, 'GET /v1/health', {
    operationId: 'health',
    summary: 'Whether the Kafka broker answers',
    responses: {
      200: { description: 'The broker answers', content: { 'application/json': { schema: HealthResponse } } },
      ...errors(500, 503, 504),
    },
  });
  registerRoute(routes, 'GET /v1/openapi.json', {
    operationId: 'openapi',
    summary: 'This document',
    responses: {
      200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({}).loose() } } },
    },
  });
  registerAdminRoutes(routes, adminRequestSchemas(limits.maxPartitions));
  return routes;
}

/** The document for a deployment's limits (the defaults when absent); generating it takes milliseconds. */
export function openApiDocument(limits: DocumentedLimits = DEFAULT_LIMITS) {
  return new OpenApiGeneratorV31(registry(limits).definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Kafka Lambda runtime HTTP API',
      version: '1',
      description: 'Produce records to Kafka over HTTP and learn where each one landed.',
    },
  });
}

/** The document at this deployment's limits, from the environment (PRODUCE_MAX_RECORDS, ADMIN_MAX_PARTITIONS). */
export function deploymentOpenApiDocument(env: NodeJS.ProcessEnv = process.env) {
  return openApiDocument({
    maxRecords: loadProduceConfig(env).maxRecords,
    maxPartitions: loadAdminConfig(env).maxPartitions,
  });
}
