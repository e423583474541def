import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.js';
import { adminHarness, independentKafka } from './harness.js';

const { bootstrap, call } = adminHarness();

describe('a topic deleted by another client', () => {
  it('does not break later requests of this container', async () => {
    const name = uniqueName('admin-stale');
    expect((await call('POST /v1/topics', { body: { name, partitions: 1 } })).status).toBe(201);
    expect((await call('GET /v1/topics/{topic}', { params: { topic: name } })).status).toBe(200);
    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [name] });
    await admin.disconnect();

    const other = uniqueName('admin-stale-other');
    const created = await call('POST /v1/topics', { body: { name: other, partitions: 1 } });
    expect(created.status).toBe(201);
    expect((await call('GET /v1/topics/{topic}', { params: { topic: name } })).status).toBe(404);
    expect((await call('DELETE /v1/topics/{topic}', { params: { topic: other } })).status).toBe(204);
    expect((await call('GET /v1/consumer-groups')).status).toBe(200);
  });

  it('describes a group whose topic is gone, with the log end unknown', async () => {
    const name = uniqueName('admin-stale-group');
    const group = uniqueName('admin-stale-group');
    expect((await call('POST /v1/topics', { body: { name, partitions: 1 } })).status).toBe(201);
    const reset = await call('POST /v1/consumer-groups/{group}/offsets', {
      params: { group },
      body: { topic: name, to: 'earliest' },
    });
    expect(reset.status).toBe(200);
    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [name] });
    await admin.disconnect();

    const described = await call('GET /v1/consumer-groups/{group}', { params: { group } });
    expect(described.status).toBe(200);
    // Kafka drops a deleted topic's committed offsets (asynchronously); whatever remains has no log end.
    for (const partition of described.body.partitions as unknown[]) {
      expect(partition).toMatchObject({ topic: name, logEndOffset: null, lag: null });
    }
    expect(described.body.lag).toEqual({ total: '0', max: null });
    expect((await call('DELETE /v1/consumer-groups/{group}', { params: { group } })).status).toBe(204);
  });
});
