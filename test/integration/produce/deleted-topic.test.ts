import { describe, expect, inject, it } from 'vitest';
import { createTestTopic, createTopics, deleteTopics, uniqueName } from '../../support/kafka.js';
import { produceHandler } from '../../support/produce.js';

const bootstrap = inject('kafkaBrokers');

describe('a topic deleted by another client', () => {
  it('answers 404 for it and keeps producing to every other topic', async () => {
    // Prepare: write to a topic, then another client deletes it.
    const api = produceHandler(bootstrap);
    const doomed = uniqueName('doomed');
    await createTopics(bootstrap, [{ name: doomed }]);
    const survivor = await createTestTopic(bootstrap, 'survivor');
    expect((await api.produce(doomed, { records: [{ value: 1 }] })).status).toBe(200);
    await deleteTopics(bootstrap, [doomed]);

    // Act
    const toSurvivor = await api.produce(survivor, { records: [{ value: 2 }] });
    const toDeleted = await api.produce(doomed, { records: [{ value: 3 }] });
    const toSurvivorAgain = await api.produce(survivor, { records: [{ value: 4 }] });

    // Assess
    expect(toSurvivor.status).toBe(200);
    expect(toDeleted.status).toBe(404);
    expect(toSurvivorAgain.status).toBe(200);
  });
});
