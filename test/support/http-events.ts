/** API Gateway HTTP API (payload v2) events for calling handlers in-process. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export function httpEvent(options: {
  method: string;
  path: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `${options.method} ${options.path}`,
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.queryStringParameters ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: options.queryStringParameters,
    pathParameters: options.pathParameters,
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey: options.routeKey ?? `${options.method} ${options.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'tests',
      },
    },
  };
}

/** A POST to the produce route, `POST /v1/topics/{topic}/records`, with `body` as JSON or `rawBody` as sent. */
export function produceEvent(
  topic: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
): APIGatewayProxyEventV2 {
  return httpEvent({
    method: 'POST',
    path: `/v1/topics/${topic}/records`,
    routeKey: 'POST /v1/topics/{topic}/records',
    pathParameters: { topic },
    ...options,
  });
}

export function lambdaContext(): Context {
  return { awsRequestId: randomUUID() } as Context;
}
