import { describe, expect, it } from 'vitest';
import {
  errorAnswer,
  HTTP_API_LIMITS,
  headBytes,
  rawErrorResponse,
  serverError,
} from '../../../src/offline-gateway/gateway.js';
import { RequestHeadersTooLargeError } from '../../../src/shared/errors.js';
import { httpStatus } from '../../../src/shared/http/status.js';

describe('the local gateway', () => {
  it('counts the request line and header values, as API Gateway does, not header names', () => {
    expect(headBytes('GET /v1/health HTTP/1.1', ['host', 'localhost', 'x-long-name', 'v'])).toBe(
      'GET /v1/health HTTP/1.1'.length + 'localhost'.length + 1,
    );
  });

  it('answers what the HTTP server refused by itself in our error shape', () => {
    const answers = [400, 404, 405, 413, 415, 431, 500].map((status) => {
      const error = serverError(status, 'why');
      return [status, httpStatus(error), error.code];
    });

    expect(answers).toEqual([
      [400, 400, 'BAD_REQUEST'],
      [404, 404, 'NOT_FOUND'],
      [405, 405, 'METHOD_NOT_ALLOWED'],
      [413, 413, 'PAYLOAD_TOO_LARGE'],
      [415, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [431, 431, 'REQUEST_HEADERS_TOO_LARGE'],
      [500, 500, 'INTERNAL_ERROR'],
    ]);
    expect(serverError(413, '').message).toContain(String(HTTP_API_LIMITS.payloadBytes));
  });

  it('writes a whole HTTP response, with our body, for a request the parser gave up on', () => {
    const response = rawErrorResponse(new RequestHeadersTooLargeError('too large'));
    const [head = '', body = ''] = response.split('\r\n\r\n');

    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toMatchObject({
      error: { code: 'REQUEST_HEADERS_TOO_LARGE', message: 'too large' },
    });
  });

  it('gives each answer a request id of its own, in the body', () => {
    const answer = errorAnswer(serverError(404, 'no route'));
    expect(JSON.parse(answer.body).error.requestId).toBe(answer.requestId);
  });
});
