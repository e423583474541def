/**
 * What API Gateway (HTTP API) does at its edge, before a function runs, as pure functions for the local
 * gateway (plugin.ts): its request limits, and our one error shape for every answer the function never
 * gets to give. Quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */
import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RequestHeadersTooLargeError,
  type ServiceError,
  UnsupportedMediaTypeError,
} from '../shared/errors.js';
import { errorBody } from '../shared/http/response.js';
import { httpStatus } from '../shared/http/status.js';

/** API Gateway's quotas for one request of an HTTP API. */
export const HTTP_API_LIMITS = Object.freeze({
  /** "Total combined size of request line and header values". */
  headBytes: 10_240,
  /** "Payload size". */
  payloadBytes: 10 * 1024 * 1024,
});

/**
 * The bytes API Gateway counts against `headBytes`: the request line and every header value.
 * `rawHeaders` alternates names and values as Node received them (latin1: one character per byte).
 */
export function headBytes(requestLine: string, rawHeaders: readonly string[]): number {
  let size = Buffer.byteLength(requestLine, 'latin1');
  for (let i = 1; i < rawHeaders.length; i += 2) size += Buffer.byteLength(rawHeaders[i] ?? '', 'latin1');
  return size;
}

/** The 431 for a request line and header values of `size` bytes (over API Gateway's 10,240). */
export function headTooLarge(size: number): ServiceError {
  return new RequestHeadersTooLargeError(
    `the request line and header values are ${size} bytes; API Gateway accepts at most ${HTTP_API_LIMITS.headBytes}`,
  );
}

/** An answer the HTTP server gave by itself (hapi's Boom errors, Node's parser), as one of our errors. */
export function serverError(status: number, message: string): ServiceError {
  switch (status) {
    case 404:
      return new NotFoundError(message || 'no such route');
    case 405:
      return new MethodNotAllowedError(message);
    case 413:
      return new PayloadTooLargeError(
        `the body is over ${HTTP_API_LIMITS.payloadBytes} bytes, API Gateway's payload limit`,
      );
    case 415:
      return new UnsupportedMediaTypeError(message);
    case 431:
      return new RequestHeadersTooLargeError(message);
    default:
      return status < 500
        ? new BadRequestError(message || 'bad request')
        : new InternalError('unexpected error');
  }
}

/** A response in our error shape, with a request id of its own (no function ran). */
export function errorAnswer(error: ServiceError) {
  const requestId = randomUUID();
  return { status: httpStatus(error), requestId, body: JSON.stringify(errorBody(error, requestId)) };
}

/** A whole HTTP/1.1 response, for a socket the HTTP parser gave up on (no request object exists). */
export function rawErrorResponse(error: ServiceError): string {
  const { status, requestId, body } = errorAnswer(error);
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}
