import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestTopic } from '../../support/kafka.js';
import { type RunningOffline, startOffline } from '../../support/offline.js';
import { openApiValidator } from '../../support/openapi.js';
import { readWithKafkaPython } from '../../support/peers.js';

const bootstrap = inject('kafkaBrokers');
const RECORDS_PATH = '/v1/topics/{topic}/records';
const json = (response: Response): Promise<any> => response.json();

describe('the HTTP API through serverless-offline (same serverless.yml as deploy)', () => {
  let offline: RunningOffline;
  let topic: string;
  let spec: ReturnType<typeof openApiValidator>;

  beforeAll(async () => {
    [offline, topic] = await Promise.all([
      startOffline({ KAFKA_BROKERS: bootstrap }),
      createTestTopic(bootstrap, 'http', { partitions: 2 }),
    ]);
    const document = await json(await fetch(`${offline.url}/v1/openapi.json`));
    spec = openApiValidator(document);
  });
  afterAll(async () => {
    await offline?.stop();
  });

  const post = async (target: string, body: unknown, contentType = 'application/json') => {
    const response = await fetch(`${offline.url}/v1/topics/${target}/records`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await json(response) };
  };

  it('serves an OpenAPI 3.1 document describing every route', async () => {
    const document = await json(await fetch(`${offline.url}/v1/openapi.json`));

    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([RECORDS_PATH, '/v1/health', '/v1/openapi.json']),
    );
  });

  it('produces records that an independent consumer reads back, answering as documented', async () => {
    // Prepare
    const request = {
      records: [
        { key: 'a', value: { n: 1 }, headers: { h: 'v' } },
        { value: 'second', partition: 1 },
      ],
    };
    spec.request(RECORDS_PATH, 'post', request);

    // Act
    const answer = await post(topic, request);

    // Assess
    expect(answer.status).toBe(200);
    spec.response(RECORDS_PATH, 'post', 200, answer.body);
    const read = await readWithKafkaPython(bootstrap, topic, 2);
    expect(read.map((r) => Buffer.from(r.value ?? '', 'base64').toString()).sort()).toEqual([
      '"second"',
      '{"n":1}',
    ]);
    expect(answer.body.records[1]).toMatchObject({ partition: 1, offset: '0' });
  });

  it.each([
    ['an unknown topic', 'test.nope', { records: [{ value: 1 }] }, 'application/json', 404],
    ['a schema violation', 'events-x', { records: [{}] }, 'application/json', 400],
    ['a bad topic name', 'bad$name', { records: [{ value: 1 }] }, 'application/json', 400],
    ['an internal topic', '__consumer_offsets', { records: [{ value: 1 }] }, 'application/json', 403],
    ['broken JSON', 'events-x', '{"records": [', 'application/json', 400],
    ['another content type', 'events-x', 'hello', 'text/plain', 415],
  ])('answers %s with the documented error shape', async (_, target, body, contentType, status) => {
    const answer = await post(target, body, contentType);

    expect(answer.status).toBe(status);
    spec.response(RECORDS_PATH, 'post', status, answer.body);
    expect(answer.body.error.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('names the wrong fields of a schema violation', async () => {
    const answer = await post(topic, { records: [{ value: 1, partition: 'one' }], acks: 'maybe' });

    expect(answer.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'acks',
      'records[0].partition',
    ]);
  });

  it('reports the broker healthy', async () => {
    const response = await fetch(`${offline.url}/v1/health`);
    const body = await json(response);

    expect(response.status).toBe(200);
    spec.response('/v1/health', 'get', 200, body);
    expect(body.kafka.brokers).toBeGreaterThanOrEqual(1);
  });
});
