/** Builds produce handlers against the test broker, as functions/produce.ts does against the configured one. */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { KafkaAdmin } from '../../src/shared/kafka/admin.js';
import { KafkaRecordWriter } from '../../src/shared/kafka/writer.js';
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

/** With SCHEMA_REGISTRY_URL in `env`, the schema formats use that registry, as the container wires them. */
export function produceHandler(bootstrap: string, env: NodeJS.ProcessEnv = {}) {
  const connection = testConnection(bootstrap, env);
  const schemas = schemaSerializerFor(loadSchemaRegistryConfig(env));
  const handler = createProduceHandler(
    new ProduceService(
      new KafkaRecordWriter(connection, new KafkaAdmin(connection)),
      loadProduceConfig(env),
      schemas,
    ),
  );
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
      invoke(produceEvent(topic, { body, headers })),
    connection,
    schemas,
  };
}
