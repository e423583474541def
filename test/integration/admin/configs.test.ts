import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTestTopic, uniqueName } from '../../support/kafka.js';
import { adminHarness, independentKafka } from './harness.js';

const { bootstrap, call } = adminHarness();

/** The topic's overrides as an independent kafkajs admin reads them with DescribeConfigs. */
async function overridesSeenByKafka(topic: string): Promise<Record<string, string>> {
  const admin = independentKafka(bootstrap).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries(
      (resources[0]?.configEntries ?? [])
        .filter((entry) => entry.configSource === 1)
        .map((entry) => [entry.configName, entry.configValue]),
    );
  } finally {
    await admin.disconnect();
  }
}

interface Configs {
  topic: string;
  configs: { name: string; value: string | null; source: string }[];
}

describe('GET /v1/topics/{topic}/configs', () => {
  it('lists every config with its source', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-configs', { configs: { 'retention.ms': '60000' } });
    const answer = await call<Configs>('GET /v1/topics/{topic}/configs', { params: { topic } });
    expect(answer.status).toBe(200);
    expect(answer.body.topic).toBe(topic);
    expect(answer.body.configs).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', value: '60000', source: 'override' }),
    );
    expect(answer.body.configs).toContainEqual(
      expect.objectContaining({ name: 'cleanup.policy', value: 'delete', source: 'default' }),
    );
  });

  it('answers 404 for an unknown topic', async () => {
    const answer = await call('GET /v1/topics/{topic}/configs', {
      params: { topic: uniqueName('admin-none') },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'TOPIC_NOT_FOUND' } });
  });
});

describe('PATCH /v1/topics/{topic}/configs', () => {
  it('sets and deletes the named configs and keeps every other override (DescribeConfigs agrees)', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-patch', {
      configs: { 'max.message.bytes': '200000', 'cleanup.policy': 'compact', 'retention.ms': '60000' },
    });
    const answer = await call<Configs>('PATCH /v1/topics/{topic}/configs', {
      params: { topic },
      body: { set: { 'retention.ms': '3600000', 'segment.ms': '600000' }, delete: ['cleanup.policy'] },
    });
    expect(answer.status).toBe(200);
    const overrides = Object.fromEntries(
      answer.body.configs
        .filter((entry) => entry.source === 'override')
        .map((entry) => [entry.name, entry.value]),
    );
    const expected = { 'max.message.bytes': '200000', 'retention.ms': '3600000', 'segment.ms': '600000' };
    expect(overrides).toEqual(expected);
    expect(await overridesSeenByKafka(topic)).toEqual(expected);
  });

  it('deleting a config that is not overridden changes nothing', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-patch-noop', {
      configs: { 'retention.ms': '60000' },
    });
    const answer = await call('PATCH /v1/topics/{topic}/configs', {
      params: { topic },
      body: { delete: ['segment.bytes'] },
    });
    expect(answer.status).toBe(200);
    expect(await overridesSeenByKafka(topic)).toEqual({ 'retention.ms': '60000' });
  });

  it("answers 400 with Kafka's reason for an invalid value or an unknown name, and changes nothing", async () => {
    const topic = await createTestTopic(bootstrap, 'admin-patch-bad', {
      configs: { 'retention.ms': '60000' },
    });
    for (const set of [{ 'retention.ms': 'soon' }, { 'no.such.config': '1' }]) {
      const answer = await call('PATCH /v1/topics/{topic}/configs', { params: { topic }, body: { set } });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        error: { code: 'INVALID_CONFIG', message: expect.stringMatching(/Configuration is invalid/) },
      });
    }
    expect(await overridesSeenByKafka(topic)).toEqual({ 'retention.ms': '60000' });
  });

  it.each([
    ['an empty patch', {}, ''],
    ['a name both set and deleted', { set: { 'retention.ms': '1' }, delete: ['retention.ms'] }, 'delete[0]'],
    ['a non-string value', { set: { 'retention.ms': 1 } }, 'set.retention.ms'],
    ['an unknown field', { set: { 'retention.ms': '1' }, replace: true }, ''],
  ])('answers 400 for %s', async (_, body, field) => {
    const answer = await call('PATCH /v1/topics/{topic}/configs', { params: { topic: 'any' }, body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field }] } });
  });

  it('answers 403 for an internal topic and 404 for an unknown one', async () => {
    const body = { set: { 'retention.ms': '1' } };
    const internal = await call('PATCH /v1/topics/{topic}/configs', {
      params: { topic: '__consumer_offsets' },
      body,
    });
    expect(internal.status).toBe(403);
    expect(internal.body).toMatchObject({ error: { code: 'INTERNAL_TOPIC' } });
    const unknown = await call('PATCH /v1/topics/{topic}/configs', {
      params: { topic: uniqueName('admin-none') },
      body,
    });
    expect(unknown.status).toBe(404);
  });

  it('answers 415 without a JSON content type', async () => {
    const answer = await call('PATCH /v1/topics/{topic}/configs', {
      params: { topic: 'any' },
      rawBody: 'retention.ms=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(415);
  });
});
