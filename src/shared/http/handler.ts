/**
 * Wraps an HTTP function: request id, one structured log line per request, and every error mapped
 * through response.ts. Handlers stay thin: parse, call a service, map the result.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { asServiceError, errorResponse, type HttpResponse } from './response.js';

/** Fields a handler adds to its request's log line (topic, record count, ...). */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface HttpRequest {
  event: APIGatewayProxyEventV2;
  requestId: string;
  log: LogFields;
}

export type HttpHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<HttpResponse>;

/**
 * Wraps a route's handling: request id (Lambda's), the one log line, every error mapped to our error shape
 * and status (5xx without internals). The returned handler never throws.
 *
 * @example
 * export const handler = httpHandler(async ({ event }) => jsonResponse(200, await service.cluster()));
 */
export function httpHandler(handle: (request: HttpRequest) => Promise<HttpResponse>): HttpHandler {
  return async (event, context) => {
    const started = performance.now();
    // Lambda's invocation id: unique on AWS and under serverless-offline (whose API request id is a constant).
    const requestId = context?.awsRequestId ?? event.requestContext?.requestId ?? crypto.randomUUID();
    const log: LogFields = {};
    let response: HttpResponse;
    let failure: ReturnType<typeof asServiceError> | undefined;
    try {
      response = await handle({ event, requestId, log });
    } catch (error) {
      failure = asServiceError(error);
      response = errorResponse(failure, requestId);
    }
    response.headers = { ...response.headers, 'x-request-id': requestId };
    const line = {
      requestId,
      apiRequestId: event.requestContext?.requestId,
      method: event.requestContext?.http?.method,
      route: event.routeKey,
      status: response.statusCode,
      outcome: failure ? failure.code : 'ok',
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...log,
    };
    if (failure && response.statusCode >= 500) {
      // The cause goes to the log only (never to the caller); kafkajs errors hold no credentials.
      logger.error('request failed', { ...line, error: failure.cause ?? failure });
    } else {
      logger.info('request', line);
    }
    return response;
  };
}
