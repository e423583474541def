import type { APIGatewayProxyEventV2 } from 'aws-lambda';
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

describe('readJsonBody: every body ends as a value or a 4xx naming what is wrong', () => {
  const post = (body: unknown, isBase64Encoded = false, contentType = 'application/json') =>
    ({
      ...httpEvent({ method: 'POST', path: '/', headers: { 'content-type': contentType } }),
      body,
      isBase64Encoded,
    }) as APIGatewayProxyEventV2;
  const refusal = (action: () => unknown) => {
    try {
      action();
    } catch (error) {
      if (error instanceof ServiceError) return { code: error.code, details: error.details };
      throw error;
    }
    return undefined;
  };

  it.each([false, 0, -0, true])(
    'reads a body the platform parsed itself (%j) as that JSON value',
    (value) => {
      // `===`, not Object.is: -0 reaches the handler as 0, and either is a number that is no object.
      expect(readJsonBody(post(value), 100) === value).toBe(true);
    },
  );

  it.each([
    ['an absent body', undefined],
    ['a null body', null],
    ['an empty body', ''],
  ])('answers %s with 400 INVALID_JSON, whatever the Content-Type', (_, body) => {
    expect(refusal(() => readJsonBody(post(body, false, 'text/plain'), 100))?.code).toBe('INVALID_JSON');
  });

  it.each([
    [
      'a value',
      Buffer.concat([Buffer.from('{"records":[{"value":"a'), Buffer.from([0xff]), Buffer.from('"}]}')]),
      'records[0].value',
    ],
    [
      'a header name',
      Buffer.concat([
        Buffer.from('{"records":[{"headers":{"n'),
        Buffer.from([0xc3]),
        Buffer.from('":"v"}}]}'),
      ]),
      'records[0].headers',
    ],
    [
      'a surrogate encoded in UTF-8',
      Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      'k',
    ],
    [
      'a truncated sequence',
      Buffer.concat([Buffer.from('{"k":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
      'k',
    ],
  ])('refuses bytes that are not UTF-8 in %s, naming the field', (_, bytes, field) => {
    const answer = refusal(() => readJsonBody(post(bytes.toString('base64'), true), 1000));

    expect(answer?.code).toBe('INVALID_JSON');
    expect(answer?.details.map((detail) => detail.field)).toEqual([field]);
    expect(answer?.details[0]?.message).toMatch(/not valid UTF-8/);
  });

  it('keeps valid multi-byte UTF-8 as it is', () => {
    const text = '{"v":"é ✓ 😀 \uFFFD"}';
    expect(readJsonBody(post(Buffer.from(text).toString('base64'), true), 1000)).toEqual(JSON.parse(text));
  });
});
