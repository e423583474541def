/** The administration routes in the OpenAPI document (src/shared/http/openapi.ts calls this once). */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { type AdminRoute, registerRoute } from '../http/routes.js';
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

type Responses = Record<number, ReturnType<typeof json> | ReturnType<typeof noContent>>;

/**
 * One operation of the admin tag: its id, summary, answers, request, and the error statuses its own rules add
 * (403, 409). The statuses its request implies are added here: 400 for any input (path parameter, query or
 * body), 404 for a path parameter naming what does not exist, 413 and 415 for a JSON body.
 */
function operation(
  operationId: string,
  summary: string,
  answers: Responses,
  request?: RouteConfig['request'],
  ruleStatuses: number[] = [],
): Omit<RouteConfig, 'method' | 'path'> {
  const implied = [
    ...(request ? [400] : []),
    ...(request?.params ? [404] : []),
    ...(request?.body ? [413, 415] : []),
  ];
  return {
    operationId,
    summary,
    tags: ['admin'],
    ...(request ? { request } : {}),
    responses: { ...answers, ...errors(...implied, ...ruleStatuses) },
  };
}

/** Registers every admin route's operation; `requests`: the request schemas at the deployment's limits. */
export function registerAdminRoutes(
  routes: OpenAPIRegistry,
  { CreateTopicRequest, AddPartitionsRequest, ResetOffsetsRequest }: ReturnType<typeof adminRequestSchemas>,
): void {
  const topic = { params: topicParams };
  const group = { params: groupParams };
  const operations: Record<AdminRoute, Omit<RouteConfig, 'method' | 'path'>> = {
    'GET /v1/cluster': operation('describeCluster', 'Cluster id, controller and brokers', {
      200: json(ClusterResponse, 'The cluster'),
    }),
    'GET /v1/topics': operation(
      'listTopics',
      'Topics with partition count and replication factor',
      { 200: json(TopicListResponse, 'Topics, by name') },
      { query: IncludeInternalQuery },
    ),
    'POST /v1/topics': operation(
      'createTopic',
      'Create a topic (or only validate the request)',
      {
        201: json(TopicDetail, 'Created'),
        200: json(ValidatedTopic, 'validateOnly: the broker accepted it; nothing was created'),
      },
      body(CreateTopicRequest),
      [403, 409],
    ),
    'GET /v1/topics/{topic}': operation(
      'describeTopic',
      'Partitions (leader, replicas, ISR, offsets) and configs of a topic',
      { 200: json(TopicDetail, 'The topic') },
      topic,
    ),
    'DELETE /v1/topics/{topic}': operation(
      'deleteTopic',
      'Delete a topic (when the stage allows it)',
      { 204: noContent('Deleted') },
      topic,
      [403],
    ),
    'POST /v1/topics/{topic}/partitions': operation(
      'addPartitions',
      'Grow the partition count',
      { 200: json(TopicSummary, 'The new partition count') },
      { ...topic, ...body(AddPartitionsRequest) },
      [403],
    ),
    'GET /v1/topics/{topic}/configs': operation(
      'describeTopicConfigs',
      'Every config of a topic and where its value comes from',
      { 200: json(TopicConfigsResponse, 'The configs, by name') },
      topic,
    ),
    'PATCH /v1/topics/{topic}/configs': operation(
      'patchTopicConfigs',
      'Set and delete config overrides; overrides not named keep their values',
      { 200: json(TopicConfigsResponse, 'The configs after the change') },
      { ...topic, ...body(PatchConfigsRequest) },
      [403, 409],
    ),
    'GET /v1/consumer-groups': operation(
      'listConsumerGroups',
      'Consumer groups with state, protocol type and member count',
      { 200: json(GroupListResponse, 'Groups, by id') },
    ),
    'GET /v1/consumer-groups/{group}': operation(
      'describeConsumerGroup',
      'Members and their assignments, committed offsets and lag',
      { 200: json(GroupDetail, 'The group') },
      group,
    ),
    'POST /v1/consumer-groups/{group}/offsets': operation(
      'resetConsumerGroupOffsets',
      "Set a group's committed offsets on a topic (the group must have no active members)",
      { 200: json(ResetOffsetsResponse, 'The committed offsets') },
      { ...group, ...body(ResetOffsetsRequest) },
      [409],
    ),
    'DELETE /v1/consumer-groups/{group}': operation(
      'deleteConsumerGroup',
      'Delete a consumer group with no active members',
      { 204: noContent('Deleted') },
      group,
      [409],
    ),
  };
  for (const [route, spec] of Object.entries(operations)) registerRoute(routes, route as AdminRoute, spec);
}
