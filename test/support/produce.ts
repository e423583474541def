/** Builds produce handlers against the test broker, as functions/produce.ts does against the configured one. */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { KafkaAdmin } from '../../src/shared/kafka/admin.js';
import { KafkaRecordWriter, type RecordWriter } from '../../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../../src/shared/produce/config.js';
import { createProduceHandler } from '../../src/shared/produce/http.js';
import { ProduceService } from '../../src/shared/produce/service.js';
import { loadSchemaRegistryConfig } from '../../src/shared/schema/config.js';
import { schemaSerializerFor } from '../../src/shared/schema/serializer.js';
import { lambdaContext, produceEvent } from './http-events.js';
import { testConnection } from './kafka.js';

export interface ProduceAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/**
 * The produce route's handler writing through `writer`, configured from `env` as the container is: with
 * SCHEMA_REGISTRY_URL in `env`, the schema formats use that registry. `produce` sends a string body as it
 * is and anything else as JSON.
 */
export function produceApi(writer: RecordWriter, env: NodeJS.ProcessEnv = {}) {
  const schemas = schemaSerializerFor(loadSchemaRegistryConfig(env));
  const handler = createProduceHandler(new ProduceService(writer, loadProduceConfig(env), schemas));
  const invoke = async (event: APIGatewayProxyEventV2): Promise<ProduceAnswer> => {
    const response = await handler(event, lambdaContext());
    return {
      status: response.statusCode,
      headers: (response.headers ?? {}) as Record<string, string>,
      body: response.body ? JSON.parse(response.body) : undefined,
    };
  };
  return {
    invoke,
    produce: (topic: string, body: unknown, headers: Record<string, string> = {}) =>
      invoke(produceEvent(topic, typeof body === 'string' ? { rawBody: body, headers } : { body, headers })),
    schemas,
  };
}

/** {@link produceApi} writing to the broker at `bootstrap`, with the connection to close. */
export function produceHandler(bootstrap: string, env: NodeJS.ProcessEnv = {}) {
  const connection = testConnection(bootstrap, env);
  return { ...produceApi(new KafkaRecordWriter(connection, new KafkaAdmin(connection)), env), connection };
}
