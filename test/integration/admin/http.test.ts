import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../../support/kafka.js';
import { type RunningOffline, startOffline } from '../../support/offline.js';
import { openApiValidator } from '../../support/openapi.js';
import { topicCleanup } from './harness.js';

const bootstrap = inject('kafkaBrokers');
const cleanup = topicCleanup(bootstrap);

describe('the admin API through serverless-offline (same serverless.yml as deploy, stage local)', () => {
  let offline: RunningOffline;
  let spec: ReturnType<typeof openApiValidator>;

  beforeAll(async () => {
    offline = await startOffline({ KAFKA_BROKERS: bootstrap });
    const document = (await (await fetch(`${offline.url}/v1/openapi.json`)).json()) as Parameters<
      typeof openApiValidator
    >[0];
    spec = openApiValidator(document);
  });
  afterAll(async () => {
    await offline?.stop();
  });

  /** Calls a route and checks the answer against the served OpenAPI document. */
  async function call(method: string, template: string, params: Record<string, string> = {}, body?: unknown) {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    if (body !== undefined) spec.request(template.split('?')[0] ?? template, method.toLowerCase(), body);
    const response = await fetch(`${offline.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (json !== undefined)
      spec.response(template.split('?')[0] ?? template, method.toLowerCase(), response.status, json);
    return { status: response.status, body: json, requestId: response.headers.get('x-request-id') };
  }

  it('GET /v1/cluster', async () => {
    const answer = await call('GET', '/v1/cluster');
    expect(answer.status).toBe(200);
    expect(answer.body.brokers).toHaveLength(1);
  });

  it('topics: create, list, describe, grow, delete', async () => {
    const name = cleanup(uniqueName('admin-http'));
    const created = await call(
      'POST',
      '/v1/topics',
      {},
      { name, partitions: 1, configs: { 'retention.ms': '60000' } },
    );
    expect(created.status).toBe(201);
    expect((await call('POST', '/v1/topics', {}, { name, partitions: 1 })).status).toBe(409);

    const listed = await call('GET', '/v1/topics?includeInternal=false');
    expect(listed.body.topics).toContainEqual({ name, partitions: 1, replicationFactor: 1, internal: false });

    const grown = await call('POST', '/v1/topics/{topic}/partitions', { topic: name }, { count: 2 });
    expect(grown).toMatchObject({ status: 200, body: { partitions: 2 } });
    const described = await call('GET', '/v1/topics/{topic}', { topic: name });
    expect(described.body.partitions).toHaveLength(2);

    // The local stage allows deletion (serverless.yml param adminAllowTopicDeletion).
    expect((await call('DELETE', '/v1/topics/{topic}', { topic: name })).status).toBe(204);
    const gone = await call('GET', '/v1/topics/{topic}', { topic: name });
    expect(gone).toMatchObject({
      status: 404,
      body: { error: { code: 'TOPIC_NOT_FOUND', requestId: gone.requestId } },
    });
    expect((await call('DELETE', '/v1/topics/{topic}', { topic: '__consumer_offsets' })).status).toBe(403);
  });

  it('topic configs: read, patch incrementally', async () => {
    const name = cleanup(uniqueName('admin-http-configs'));
    await call('POST', '/v1/topics', {}, { name, partitions: 1, configs: { 'retention.ms': '60000' } });
    const patched = await call(
      'PATCH',
      '/v1/topics/{topic}/configs',
      { topic: name },
      { set: { 'segment.ms': '600000' } },
    );
    expect(patched.status).toBe(200);
    const read = await call('GET', '/v1/topics/{topic}/configs', { topic: name });
    const overrides = read.body.configs.filter((entry: { source: string }) => entry.source === 'override');
    expect(overrides.map((entry: { name: string; value: string }) => [entry.name, entry.value])).toEqual([
      ['retention.ms', '60000'],
      ['segment.ms', '600000'],
    ]);
    const invalid = await call(
      'PATCH',
      '/v1/topics/{topic}/configs',
      { topic: name },
      { set: { 'retention.ms': 'x' } },
    );
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CONFIG' } } });
  });

  it('consumer groups: reset offsets, list, describe, delete', async () => {
    const name = cleanup(uniqueName('admin-http-groups'));
    await call('POST', '/v1/topics', {}, { name, partitions: 2 });
    // A group id that needs escaping in a URL.
    const group = `${uniqueName('admin-http')} / group`;
    const reset = await call(
      'POST',
      '/v1/consumer-groups/{group}/offsets',
      { group },
      { topic: name, to: 'earliest' },
    );
    expect(reset).toMatchObject({
      status: 200,
      body: { group, partitions: [{ offset: '0' }, { offset: '0' }] },
    });
    // Another group's reset in the same container (this once outlived the function's timeout).
    const other = uniqueName('admin-http-other');
    const otherReset = await call(
      'POST',
      '/v1/consumer-groups/{group}/offsets',
      { group: other },
      { topic: name, to: 'latest' },
    );
    expect(otherReset).toMatchObject({ status: 200, body: { group: other } });

    const listed = await call('GET', '/v1/consumer-groups');
    expect(listed.body.groups).toContainEqual({
      id: group,
      state: 'Empty',
      protocolType: expect.any(String),
      members: 0,
    });
    const described = await call('GET', '/v1/consumer-groups/{group}', { group });
    expect(described).toMatchObject({
      status: 200,
      body: { id: group, state: 'Empty', lag: { total: '0' } },
    });
    expect(described.body.partitions).toHaveLength(2);

    expect((await call('DELETE', '/v1/consumer-groups/{group}', { group })).status).toBe(204);
    expect((await call('DELETE', '/v1/consumer-groups/{group}', { group: other })).status).toBe(204);
    expect((await call('GET', '/v1/consumer-groups/{group}', { group })).status).toBe(404);
  });
});
