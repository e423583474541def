/** The administration routes in the OpenAPI document (src/shared/http/openapi.ts calls this once). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { registerRoute } from '../http/routes.js';
import { ErrorResponse, TopicName } from '../http/schema.js';
import {
  type adminRequestSchemas,
  ClusterResponse,
  GroupDetail,
  GroupId,
  GroupListResponse,
  IncludeInternalQuery,
  PatchConfigsRequest,
  ResetOffsetsResponse,
  TopicConfigsResponse,
  TopicDetail,
  TopicListResponse,
  TopicSummary,
  ValidatedTopic,
} from './schema.js';

const descriptions: Record<number, string> = {
  400: 'Invalid JSON, a schema violation (details name the fields), or a value Kafka refused (its reason in the message)',
  403: 'A Kafka-internal topic ("__" prefix), or topic deletion switched off for this stage',
  404: 'The topic or consumer group does not exist',
  409: 'The topic exists, or the consumer group has active members',
  413: 'The body is over the limit',
  415: 'Content-Type is not application/json',
  500: 'Unexpected; the request id identifies it in the logs',
  503: 'The broker is unavailable; see Retry-After',
  504: 'The broker did not answer in time',
};
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    [...statuses, 500, 503, 504].map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorResponse } },
      },
    ]),
  );
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});
const topicParams = z.object({ topic: TopicName });
const groupParams = z.object({ group: GroupId });
const noContent = (description: string) => ({ description });
const writeErrors = [400, 413, 415];

/** `requests`: the request schemas at the deployment's limits. */
export function registerAdminRoutes(
  routes: OpenAPIRegistry,
  { CreateTopicRequest, AddPartitionsRequest, ResetOffsetsRequest }: ReturnType<typeof adminRequestSchemas>,
): void {
  const tags = (tag: string) => ({ tags: [tag] });
  registerRoute(routes, 'GET /v1/cluster', {
    operationId: 'describeCluster',
    summary: 'Cluster id, controller and brokers',
    ...tags('admin'),
    responses: { 200: json(ClusterResponse, 'The cluster'), ...errors() },
  });
  registerRoute(routes, 'GET /v1/topics', {
    operationId: 'listTopics',
    summary: 'Topics with partition count and replication factor',
    ...tags('admin'),
    request: { query: IncludeInternalQuery },
    responses: { 200: json(TopicListResponse, 'Topics, by name'), ...errors(400) },
  });
  registerRoute(routes, 'POST /v1/topics', {
    operationId: 'createTopic',
    summary: 'Create a topic (or only validate the request)',
    ...tags('admin'),
    request: body(CreateTopicRequest),
    responses: {
      201: json(TopicDetail, 'Created'),
      200: json(ValidatedTopic, 'validateOnly: the broker accepted it; nothing was created'),
      ...errors(...writeErrors, 403, 409),
    },
  });
  registerRoute(routes, 'GET /v1/topics/{topic}', {
    operationId: 'describeTopic',
    summary: 'Partitions (leader, replicas, ISR, offsets) and configs of a topic',
    ...tags('admin'),
    request: { params: topicParams },
    responses: { 200: json(TopicDetail, 'The topic'), ...errors(400, 404) },
  });
  registerRoute(routes, 'DELETE /v1/topics/{topic}', {
    operationId: 'deleteTopic',
    summary: 'Delete a topic (when the stage allows it)',
    ...tags('admin'),
    request: { params: topicParams },
    responses: { 204: noContent('Deleted'), ...errors(400, 403, 404) },
  });
  registerRoute(routes, 'POST /v1/topics/{topic}/partitions', {
    operationId: 'addPartitions',
    summary: 'Grow the partition count',
    ...tags('admin'),
    request: { params: topicParams, ...body(AddPartitionsRequest) },
    responses: { 200: json(TopicSummary, 'The new partition count'), ...errors(...writeErrors, 403, 404) },
  });
  registerRoute(routes, 'GET /v1/topics/{topic}/configs', {
    operationId: 'describeTopicConfigs',
    summary: 'Every config of a topic and where its value comes from',
    ...tags('admin'),
    request: { params: topicParams },
    responses: { 200: json(TopicConfigsResponse, 'The configs, by name'), ...errors(400, 404) },
  });
  registerRoute(routes, 'PATCH /v1/topics/{topic}/configs', {
    operationId: 'patchTopicConfigs',
    summary: 'Set and delete config overrides; overrides not named keep their values',
    ...tags('admin'),
    request: { params: topicParams, ...body(PatchConfigsRequest) },
    responses: {
      200: json(TopicConfigsResponse, 'The configs after the change'),
      ...errors(...writeErrors, 403, 404, 409),
    },
  });
  registerRoute(routes, 'GET /v1/consumer-groups', {
    operationId: 'listConsumerGroups',
    summary: 'Consumer groups with state, protocol type and member count',
    ...tags('admin'),
    responses: { 200: json(GroupListResponse, 'Groups, by id'), ...errors() },
  });
  registerRoute(routes, 'GET /v1/consumer-groups/{group}', {
    operationId: 'describeConsumerGroup',
    summary: 'Members and their assignments, committed offsets and lag',
    ...tags('admin'),
    request: { params: groupParams },
    responses: { 200: json(GroupDetail, 'The group'), ...errors(400, 404) },
  });
  registerRoute(routes, 'POST /v1/consumer-groups/{group}/offsets', {
    operationId: 'resetConsumerGroupOffsets',
    summary: "Set a group's committed offsets on a topic (the group must have no active members)",
    ...tags('admin'),
    request: { params: groupParams, ...body(ResetOffsetsRequest) },
    responses: {
      200: json(ResetOffsetsResponse, 'The committed offsets'),
      ...errors(...writeErrors, 404, 409),
    },
  });
  registerRoute(routes, 'DELETE /v1/consumer-groups/{group}', {
    operationId: 'deleteConsumerGroup',
    summary: 'Delete a consumer group with no active members',
    ...tags('admin'),
    request: { params: groupParams },
    responses: { 204: noContent('Deleted'), ...errors(400, 404, 409) },
  });
}
