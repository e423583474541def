/**
 * Hostile input, as a table: each request and the answer it must get from the local stack (serverless
 * offline behind the local gateway, the same serverless.yml as deploy, a real broker). What is accepted
 * is read back with kafka-python and compared byte for byte; what is refused is refused in the one error
 * shape, naming the field.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestTopic, uniqueName } from '../../support/kafka.js';
import { type RunningOffline, startOffline } from '../../support/offline.js';
import { readWithKafkaPython } from '../../support/peers.js';

const bootstrap = inject('kafkaBrokers');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One raw HTTP request: exact bytes, any header (or none), no client-side checks. */
function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method, headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: the assertions say so.
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('hostile input through the local stack', () => {
  let offline: RunningOffline;
  let topic: string;
  let adminTopic: string;
  const group = uniqueName('hostile.group');

  beforeAll(async () => {
    // One after the other: kafkajs' waitForLeaders trips over topics created alongside (startOffline
    // creates the service's topics).
    topic = await createTestTopic(bootstrap, 'hostile');
    adminTopic = await createTestTopic(bootstrap, 'hostile.admin');
    offline = await startOffline({ KAFKA_BROKERS: bootstrap });
  });
  afterAll(async () => {
    await offline?.stop();
  });

  const expectRefusal = (answer: Answer, status: number, code: string, fields?: string[]) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.error).toMatchObject({ code, retriable: false });
    expect(answer.body.error.requestId).toBe(answer.headers['x-request-id']);
    if (fields) expect(answer.body.error.details.map((d: { field: string }) => d.field)).toEqual(fields);
  };

  // Every route that reads a JSON body, with a target that exists where that matters.
  const jsonRoutes = () => [
    ['POST', `/v1/topics/${topic}/records`],
    ['POST', '/v1/topics'],
    ['POST', `/v1/topics/${adminTopic}/partitions`],
    ['PATCH', `/v1/topics/${adminTopic}/configs`],
    ['POST', `/v1/consumer-groups/${group}/offsets`],
  ];

  it.each(['false', '0', '0.0', '-0', '""', 'null', 'true', '123', '[]', '"text"'])(
    'answers the JSON body %s with 400 VALIDATION_FAILED on every JSON route',
    async (body) => {
      for (const [method = '', path = ''] of jsonRoutes()) {
        const answer = await send(offline.url, method, path, { headers: JSON_TYPE, body });
        expectRefusal(answer, 400, 'VALIDATION_FAILED', ['']);
      }
    },
  );

  it.each([
    ['a json value', bytes('{"records":[{"value":"a', [0xff], 'b"}]}'), 'records[0].value'],
    [
      'a string value',
      bytes('{"valueFormat":"string","records":[{"value":"', [0xc0, 0xaf], '"}]}'),
      'records[0].value',
    ],
    ['a key', bytes('{"records":[{"key":"', [0xed, 0xa0, 0x80], '","value":1}]}'), 'records[0].key'],
    [
      'a header name',
      bytes('{"records":[{"value":1,"headers":{"', [0xfe], '":"v"}}]}'),
      'records[0].headers',
    ],
    [
      'a header value',
      bytes('{"records":[{"value":1,"headers":{"h":"', [0xe2, 0x82], '"}}]}'),
      'records[0].headers.h',
    ],
  ])('refuses bytes that are not UTF-8 in %s with 400, naming the field', async (_, body, field) => {
    const answer = await send(offline.url, 'POST', `/v1/topics/${topic}/records`, {
      headers: JSON_TYPE,
      body,
    });

    expectRefusal(answer, 400, 'INVALID_JSON', [field]);
  });

  it.each([
    ['a string key', { keyFormat: 'string', records: [{ key: '\ud800', value: 1 }] }, 'records[0].key'],
    ['a string value', { valueFormat: 'string', records: [{ value: 'x\udfff' }] }, 'records[0].value'],
    ['a header name', { records: [{ value: 1, headers: { '\ud801': 'v' } }] }, 'records[0].headers.\ud801'],
    ['a header value', { records: [{ value: 1, headers: { h: '\udc00' } }] }, 'records[0].headers.h'],
    [
      'a repeated header value',
      { records: [{ value: 1, headers: { h: ['ok', '\ud800'] } }] },
      'records[0].headers.h[1]',
    ],
  ])('refuses a lone surrogate in %s with 400 naming the field', async (_, request, field) => {
    const answer = await send(offline.url, 'POST', `/v1/topics/${topic}/records`, {
      headers: JSON_TYPE,
      body: JSON.stringify(request),
    });

    expectRefusal(answer, 400, 'VALIDATION_FAILED', [field]);
    expect(answer.body.error.details[0].message).toMatch(/not representable in UTF-8/);
  });

  it('refuses a lone surrogate in a config value and in a group id', async () => {
    const config = await send(offline.url, 'PATCH', `/v1/topics/${adminTopic}/configs`, {
      headers: JSON_TYPE,
      body: JSON.stringify({ set: { 'retention.ms': '\ud800' } }),
    });
    // A URL carries UTF-8: a surrogate's bytes cannot be decoded from it.
    const groupId = await send(offline.url, 'GET', '/v1/consumer-groups/a%ED%A0%80');

    expectRefusal(config, 400, 'VALIDATION_FAILED', ['set.retention.ms']);
    expect(groupId.status).toBe(400);
    expect(groupId.body.error.code).toMatch(/^(BAD_REQUEST|VALIDATION_FAILED)$/);
  });

  it.each([
    ['a millisecond before the epoch', '1969-12-31T23:59:59.999Z', 400, 'VALIDATION_FAILED'],
    ['-1, which Kafka reads as no timestamp', -1, 400, 'VALIDATION_FAILED'],
    ['the year 9999, which the broker refuses', '9999-12-31T23:59:59Z', 400, 'INVALID_RECORD'],
    ['the last instant a Date holds', 8_640_000_000_000_000, 400, 'INVALID_RECORD'],
  ])('answers a timestamp of %s with the right 400', async (_, timestamp, status, code) => {
    const answer = await send(offline.url, 'POST', `/v1/topics/${topic}/records`, {
      headers: JSON_TYPE,
      body: JSON.stringify({ records: [{ value: 1, timestamp }] }),
    });

    expectRefusal(answer, status, code);
  });

  it('refuses a pre-epoch timestamp to reset offsets to (it would mean "latest" to Kafka)', async () => {
    const answer = await send(offline.url, 'POST', `/v1/consumer-groups/${group}/offsets`, {
      headers: JSON_TYPE,
      body: JSON.stringify({ topic, to: { timestamp: '1969-12-31T23:59:59.999Z' } }),
    });

    expectRefusal(answer, 400, 'VALIDATION_FAILED', ['to.timestamp']);
  });

  it.each([
    [
      'a Content-Type list',
      { 'content-type': 'application/json, text/plain' },
      '{}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['no Content-Type', {}, '{"records":[{"value":1}]}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a 12 KB header (API Gateway: 10,240 bytes)',
      { ...JSON_TYPE, 'x-big': 'a'.repeat(12_000) },
      '{}',
      431,
      'REQUEST_HEADERS_TOO_LARGE',
    ],
    [
      'a 20 KB header (past the HTTP parser)',
      { ...JSON_TYPE, 'x-big': 'a'.repeat(20_000) },
      '{}',
      431,
      'REQUEST_HEADERS_TOO_LARGE',
    ],
    ['an 11 MB body (API Gateway: 10 MB)', JSON_TYPE, ' '.repeat(11 * 1024 * 1024), 413, 'PAYLOAD_TOO_LARGE'],
    ['a 7 MB body (Lambda: 6 MB)', JSON_TYPE, ' '.repeat(7 * 1024 * 1024), 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s in the error shape', async (_, headers, body, status, code) => {
    const answer = await send(offline.url, 'POST', `/v1/topics/${topic}/records`, { headers, body });

    expectRefusal(answer, status, code);
  });

  it('answers an unknown route and an undecodable path in the error shape', async () => {
    expectRefusal(await send(offline.url, 'GET', '/v1/nowhere'), 404, 'NOT_FOUND');
    expectRefusal(await send(offline.url, 'GET', '/v1/topics/%E0%A4%A'), 400, 'BAD_REQUEST');
  });

  it('stores what it accepts exactly: any header name, json escapes and digits as sent', async () => {
    // Prepare: header names a JavaScript object mishandles, and JSON text that re-serialising would change.
    const value = '{"s":"\\ud800","n":12345678901234567890,"e":1.50}';
    const body = `{"records":[{"key":"k","value":${value},"headers":{"__proto__":"p","constructor":"c","toString":["1",{"base64":"AP8="}],"":"empty"}}]}`;

    // Act
    const answer = await send(offline.url, 'POST', `/v1/topics/${topic}/records`, {
      headers: JSON_TYPE,
      body,
    });

    // Assess
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [record] = (await readWithKafkaPython(bootstrap, topic, 1)).filter((r) => r.key !== null);
    const text = (b64: string | null) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    expect(text(record?.value ?? null)).toBe(value);
    expect(
      record?.headers.map(([name, data]) => [name, Buffer.from(data ?? '', 'base64').toString('hex')]),
    ).toEqual([
      ['__proto__', Buffer.from('p').toString('hex')],
      ['constructor', Buffer.from('c').toString('hex')],
      ['toString', Buffer.from('1').toString('hex')],
      ['toString', '00ff'],
      ['', Buffer.from('empty').toString('hex')],
    ]);
  });
});
