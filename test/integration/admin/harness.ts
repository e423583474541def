/**
 * In-process calls to the admin function against the test broker: real events through the real handler,
 * no mocks. Topics and groups made by a test are removed after the file's tests.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, inject } from 'vitest';
import { loadAdminConfig } from '../../../src/shared/admin/config.js';
import { createAdminHandler } from '../../../src/shared/admin/http.js';
import { AdminService } from '../../../src/shared/admin/service.js';
import type { AdminRoute } from '../../../src/shared/http/routes.js';
import { KafkaAdmin } from '../../../src/shared/kafka/admin.js';
import { httpEvent, lambdaContext } from '../../support/http-events.js';
import { testConnection } from '../../support/kafka.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | number | boolean>;
}

export interface CallOptions {
  params?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export function adminHarness(env: NodeJS.ProcessEnv = { ADMIN_ALLOW_TOPIC_DELETION: 'true' }) {
  const bootstrap = inject('kafkaBrokers');
  const connection = testConnection(bootstrap);
  const kafka = new KafkaAdmin(connection);
  const service = new AdminService(kafka, loadAdminConfig(env));
  const handler = createAdminHandler(service);
  afterAll(() => connection.close());

  async function call<T = Record<string, unknown>>(
    route: AdminRoute,
    options: CallOptions = {},
  ): Promise<Answer<T>> {
    const [method = '', template = ''] = route.split(' ');
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(options.params?.[name] ?? ''),
    );
    const response = await handler(
      httpEvent({
        method,
        path,
        routeKey: route,
        pathParameters: options.params,
        body: options.body,
        rawBody: options.rawBody,
        headers: options.headers,
        queryStringParameters: options.query,
      }),
      lambdaContext(),
    );
    return {
      status: response.statusCode,
      body: (response.body ? JSON.parse(response.body) : undefined) as T,
      headers: (response.headers ?? {}) as Record<string, string | number | boolean>,
    };
  }
  return { bootstrap, kafka, service, call };
}

/** An independent kafkajs client (not the service's connection), for agreement checks and test consumers. */
export function independentKafka(bootstrap: string): Kafka {
  return new Kafka({
    clientId: `admin-tests-${randomUUID().slice(0, 8)}`,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
}

/** Deletes topics the tests created over HTTP, after the file's tests. */
export function topicCleanup(bootstrap: string): (topic: string) => string {
  const topics = new Set<string>();
  afterAll(async () => {
    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const remaining = [...topics].filter((topic) => existing.has(topic));
    if (remaining.length > 0) await admin.deleteTopics({ topics: remaining }).catch(() => undefined);
    await admin.disconnect();
  });
  return (topic) => {
    topics.add(topic);
    return topic;
  };
}
