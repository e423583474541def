import { describe, expect, it } from 'vitest';
import { createTestTopic, uniqueName } from '../../support/kafka.js';
import { adminHarness, independentKafka, topicCleanup } from './harness.js';

const { bootstrap, call } = adminHarness();
const cleanup = topicCleanup(bootstrap);

describe('GET /v1/cluster', () => {
  it('describes the cluster and its brokers', async () => {
    const answer = await call('GET /v1/cluster');
    expect(answer.status).toBe(200);
    const [host, port] = bootstrap.split(':');
    expect(answer.body).toMatchObject({
      clusterId: expect.any(String),
      controller: expect.any(Number),
      brokers: [{ id: expect.any(Number), host, port: Number(port), rack: null }],
    });
  });
});

describe('POST /v1/topics', () => {
  it('creates a topic with the partitions a Kafka client then sees', async () => {
    const name = cleanup(uniqueName('admin-create'));
    const answer = await call('POST /v1/topics', {
      body: { name, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000' } },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name, replicationFactor: 1, internal: false });
    expect(answer.body.partitions).toHaveLength(3);
    expect(answer.body.configs).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', value: '3600000', source: 'override' }),
    );

    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
      expect(topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    } finally {
      await admin.disconnect();
    }
  });

  it("uses the broker's defaults when partitions and replication factor are absent", async () => {
    const name = cleanup(uniqueName('admin-defaults'));
    const answer = await call('POST /v1/topics', { body: { name } });
    expect(answer.status).toBe(201);
    expect(answer.body.partitions).toHaveLength(1);
    expect(answer.body.replicationFactor).toBe(1);
  });

  it('validates without creating when validateOnly is true', async () => {
    const name = uniqueName('admin-validate');
    const answer = await call('POST /v1/topics', { body: { name, partitions: 2, validateOnly: true } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name,
      partitions: 2,
      replicationFactor: 1,
      configs: {},
      validateOnly: true,
    });
    expect((await call('GET /v1/topics/{topic}', { params: { topic: name } })).status).toBe(404);
  });

  it('answers 409 when the topic exists', async () => {
    const name = await createTestTopic(bootstrap, 'admin-exists');
    const answer = await call('POST /v1/topics', { body: { name, partitions: 1 } });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: 'TOPIC_EXISTS', retriable: false } });
  });

  it.each([
    ['an invalid name', { name: 'bad name!', partitions: 1 }, 'VALIDATION_FAILED', 'name'],
    ['a zero partition count', { name: 'ok', partitions: 0 }, 'VALIDATION_FAILED', 'partitions'],
    ['an unknown field', { name: 'ok', partitions: 1, extra: true }, 'VALIDATION_FAILED', ''],
    [
      'a non-string config',
      { name: 'ok', configs: { 'retention.ms': 5 } },
      'VALIDATION_FAILED',
      'configs.retention.ms',
    ],
  ])('answers 400 for %s, naming the field', async (_, body, code, field) => {
    const answer = await call('POST /v1/topics', { body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code } });
    expect((answer.body.error as { details: { field: string }[] }).details.map((d) => d.field)).toContain(
      field,
    );
  });

  it("answers 400 with Kafka's reason for a replication factor above the broker count", async () => {
    const answer = await call('POST /v1/topics', {
      body: { name: uniqueName('admin-rf'), partitions: 1, replicationFactor: 3 },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'INVALID_REPLICATION_FACTOR',
        message: expect.stringMatching(/Replication-factor is invalid/),
      },
    });
  });

  it("answers 400 with Kafka's reason for an invalid config", async () => {
    for (const configs of [{ 'retention.ms': 'soon' }, { 'no.such.config': '1' }]) {
      const answer = await call('POST /v1/topics', { body: { name: uniqueName('admin-config'), configs } });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        error: { code: 'INVALID_CONFIG', message: expect.stringMatching(/Configuration is invalid/) },
      });
    }
  });

  it('answers 400 for a name Kafka refuses although it passes the character rules', async () => {
    // "." and "_" collide in metric names; Kafka refuses a topic that differs from an existing one by them.
    const existing = await createTestTopic(bootstrap, 'admin_collide');
    const answer = await call('POST /v1/topics', {
      body: { name: existing.replace('admin_collide', 'admin.collide') },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_TOPIC' } });
  });

  it('answers 403 for a name reserved for internal topics', async () => {
    const answer = await call('POST /v1/topics', { body: { name: '__mine', partitions: 1 } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'INTERNAL_TOPIC' } });
  });
});

describe('GET /v1/topics', () => {
  it('lists topics with partition count and replication factor, internal ones only on request', async () => {
    const name = await createTestTopic(bootstrap, 'admin-list', { partitions: 2 });
    const plain = await call<{ topics: { name: string }[] }>('GET /v1/topics');
    expect(plain.status).toBe(200);
    expect(plain.body.topics).toContainEqual({ name, partitions: 2, replicationFactor: 1, internal: false });
    expect(plain.body.topics.some((topic) => topic.name.startsWith('__'))).toBe(false);

    // __consumer_offsets exists once any group has committed; make sure one has.
    const kafka = independentKafka(bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: uniqueName('admin-list-group'),
      topic: name,
      partitions: [{ partition: 0, offset: '0' }],
    });
    await admin.disconnect();
    const all = await call<{ topics: { name: string; internal: boolean }[] }>('GET /v1/topics', {
      query: { includeInternal: 'true' },
    });
    expect(all.body.topics).toContainEqual(
      expect.objectContaining({ name: '__consumer_offsets', internal: true }),
    );
  });

  it('answers 400 for an includeInternal that is not true or false', async () => {
    const answer = await call('GET /v1/topics', { query: { includeInternal: 'yes' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { details: [{ field: 'query.includeInternal' }] } });
  });
});

describe('GET /v1/topics/{topic}', () => {
  it('describes partitions with leader, replicas, ISR and offsets, and configs with their source', async () => {
    const name = await createTestTopic(bootstrap, 'admin-describe', {
      partitions: 2,
      configs: { 'cleanup.policy': 'compact' },
    });
    const producer = independentKafka(bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: name,
      messages: [
        { key: 'k', value: 'a', partition: 1 },
        { key: 'k', value: 'b', partition: 1 },
      ],
    });
    await producer.disconnect();

    const answer = await call('GET /v1/topics/{topic}', { params: { topic: name } });
    expect(answer.status).toBe(200);
    expect(answer.body.partitions).toEqual([
      {
        partition: 0,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
        earliestOffset: '0',
        latestOffset: '0',
      },
      {
        partition: 1,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
        earliestOffset: '0',
        latestOffset: '2',
      },
    ]);
    expect(answer.body.configs).toContainEqual({
      name: 'cleanup.policy',
      value: 'compact',
      source: 'override',
      sensitive: false,
      readOnly: false,
    });
    expect(answer.body.configs).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', source: 'default' }),
    );
  });

  it('answers 404 for an unknown topic and 400 for an invalid name', async () => {
    const unknown = await call('GET /v1/topics/{topic}', { params: { topic: uniqueName('admin-none') } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'TOPIC_NOT_FOUND' } });
    const invalid = await call('GET /v1/topics/{topic}', { params: { topic: 'a'.repeat(250) } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { details: [{ field: 'topic' }] } });
  });
});

describe('DELETE /v1/topics/{topic}', () => {
  it('deletes a topic (204), then answers 404', async () => {
    const name = cleanup(uniqueName('admin-delete'));
    expect((await call('POST /v1/topics', { body: { name, partitions: 1 } })).status).toBe(201);
    const answer = await call('DELETE /v1/topics/{topic}', { params: { topic: name } });
    expect(answer.status).toBe(204);
    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(name);
    await admin.disconnect();
    expect((await call('DELETE /v1/topics/{topic}', { params: { topic: name } })).status).toBe(404);
  });

  it('never deletes an internal topic', async () => {
    const answer = await call('DELETE /v1/topics/{topic}', { params: { topic: '__consumer_offsets' } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'INTERNAL_TOPIC' } });
  });
});

describe('DELETE /v1/topics/{topic} when deletion is off for the stage', () => {
  const locked = adminHarness({ ADMIN_ALLOW_TOPIC_DELETION: 'false' });

  it('answers 403 and keeps the topic', async () => {
    const name = await createTestTopic(bootstrap, 'admin-keep');
    const answer = await locked.call('DELETE /v1/topics/{topic}', { params: { topic: name } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'TOPIC_DELETION_DISABLED' } });
    expect((await call('GET /v1/topics/{topic}', { params: { topic: name } })).status).toBe(200);
  });
});

describe('POST /v1/topics/{topic}/partitions', () => {
  it('grows the partition count', async () => {
    const name = await createTestTopic(bootstrap, 'admin-grow', { partitions: 1 });
    const answer = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: name },
      body: { count: 3 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ name, partitions: 3, replicationFactor: 1, internal: false });
    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]?.partitions).toHaveLength(3);
    await admin.disconnect();
  });

  it.each([2, 1])('answers 400 for a count of %i on a topic of 2', async (count) => {
    const name = await createTestTopic(bootstrap, 'admin-shrink', { partitions: 2 });
    const answer = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: name },
      body: { count },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'INVALID_PARTITION_COUNT', details: [{ field: 'count' }] },
    });
  });

  it('answers 404 for an unknown topic, 403 for an internal one, 400 for a bad body', async () => {
    const unknown = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: uniqueName('admin-none') },
      body: { count: 2 },
    });
    expect(unknown.status).toBe(404);
    const internal = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: '__consumer_offsets' },
      body: { count: 100 },
    });
    expect(internal.status).toBe(403);
    const bad = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: 'x' },
      body: { count: '3' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { details: [{ field: 'count' }] } });
    const notJson = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic: 'x' },
      rawBody: '{',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });
});
