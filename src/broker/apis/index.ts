/** Every API this broker answers, by key. ApiVersions advertises exactly these, at these versions. */
import { apiVersionsHandler } from './api-versions.js';
import { alterConfigs, describeConfigs, incrementalAlterConfigs } from './configs.js';
import { fetch } from './fetch.js';
import { findCoordinator } from './find-coordinator.js';
import {
  deleteGroups,
  describeGroups,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  syncGroup,
} from './groups.js';
import type { Handler } from './handler.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { offsetCommit, offsetFetch } from './offsets.js';
import { produce } from './produce.js';
import { createPartitions, createTopics, deleteRecords, deleteTopics } from './topics.js';

const others: Handler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  describeConfigs,
  alterConfigs,
  createPartitions,
  deleteGroups,
  incrementalAlterConfigs,
];

const supported = () =>
  handlers
    .map(({ api }) => ({ apiKey: api.key, minVersion: api.min, maxVersion: api.max }))
    .sort((a, b) => a.apiKey - b.apiKey);

export const handlers: Handler[] = [...others, apiVersionsHandler(supported)];

export const handlersByKey: ReadonlyMap<number, Handler> = new Map(handlers.map((h) => [h.api.key, h]));
