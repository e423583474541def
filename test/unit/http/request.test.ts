import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/shared/errors.js';
import { readJsonBody } from '../../../src/shared/http/request.js';
import { httpStatus } from '../../../src/shared/http/status.js';
import { httpEvent } from '../../support/http-events.js';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ServiceError) return `${httpStatus(error)} ${error.code}`;
    throw error;
  }
  return 'no error';
}

describe('readJsonBody', () => {
  const event = (headers: Record<string, string>, rawBody: string, isBase64Encoded = false) => ({
    ...httpEvent({ method: 'POST', path: '/', rawBody, headers }),
    isBase64Encoded,
  });

  it.each([
    ['application/json', 'no error'],
    ['application/json; charset=utf-8', 'no error'],
    ['Application/JSON; charset="UTF-8"', 'no error'],
    ['application/vnd.api+json', 'no error'],
    ['application/json; charset=latin1', '415 UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain', '415 UNSUPPORTED_MEDIA_TYPE'],
    ['', '415 UNSUPPORTED_MEDIA_TYPE'],
  ])('Content-Type %j gives %s', (contentType, expected) => {
    expect(codeOf(() => readJsonBody(event({ 'content-type': contentType }, '{}'), 100))).toBe(expected);
  });

  it('rejects a body over the limit with 413 before parsing it', () => {
    expect(codeOf(() => readJsonBody(event({}, `"${'x'.repeat(100)}"`), 100))).toBe('413 PAYLOAD_TOO_LARGE');
  });

  it('rejects invalid and empty JSON with 400', () => {
    expect(codeOf(() => readJsonBody(event({}, '{"records": ['), 100))).toBe('400 INVALID_JSON');
    expect(codeOf(() => readJsonBody(event({}, ''), 100))).toBe('400 INVALID_JSON');
  });

  it('decodes a base64-encoded body', () => {
    expect(readJsonBody(event({}, Buffer.from('{"a":"é"}').toString('base64'), true), 100)).toEqual({
      a: 'é',
    });
  });
});
