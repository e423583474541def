/**
 * The one place that turns results and errors into HTTP responses. Every error body has one shape:
 * `{"error":{"code","message","retriable","requestId","details"}}`; 5xx bodies never carry internals.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InternalError, ServiceError } from '../errors.js';
import { httpStatus } from './status.js';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A JSON answer: `body` serialized, `content-type: application/json` plus `headers`. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An answer without a body (204). */
export function emptyResponse(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers, body: '' };
}

/** `error` itself when it is a ServiceError, else an InternalError (500) whose message hides it. */
export function asServiceError(error: unknown): ServiceError {
  return error instanceof ServiceError ? error : new InternalError('unexpected error', { cause: error });
}

/**
 * The body of every error answer, `{"error":{"code","message","retriable","requestId","details"}}`: also
 * what the local gateway (src/offline-gateway) sends for a request no function answered.
 */
export function errorBody(error: ServiceError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      retriable: error.retriable,
      requestId,
      details: error.details,
    },
  };
}

/** The error's answer: its status (status.ts), our error body, `Retry-After` when the error has one. */
export function errorResponse(error: ServiceError, requestId: string): HttpResponse {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return jsonResponse(httpStatus(error), errorBody(error, requestId), headers);
}
