/**
 * The administration API's requests and responses: the single source of its types, its validation and
 * its OpenAPI document (src/shared/http/openapi.ts). Offsets are strings: Kafka's are 64-bit.
 */
import * as z from 'zod';
import { exactRecord, Timestamp, TopicName, utf8Text } from '../http/schema.js';

/**
 * The default and the highest partition count a topic may have through this API (ADMIN_MAX_PARTITIONS):
 * Kafka's own limit is 2^31-1, far beyond what a cluster holds.
 */
export const MAX_PARTITIONS = 10_000;

/**
 * Kafka's own rule is a non-empty protocol string (int16 length), but a group id travels in the URL path,
 * and API Gateway takes at most 10,240 bytes of request line and header values: 255 characters,
 * percent-encoded UTF-8, need at most 2,295 bytes, leaving the rest for the method, route and headers.
 */
const MAX_GROUP_ID_LENGTH = 255;

export const GroupId = utf8Text()
  .min(1)
  .max(MAX_GROUP_ID_LENGTH)
  .meta({ id: 'GroupId', description: 'A consumer group id', example: 'orders-service' });

const ConfigName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only ASCII letters, digits, ".", "_" and "-"')
  .meta({ description: 'A topic config name, e.g. retention.ms', example: 'retention.ms' });

const Offset = z
  .string()
  .regex(/^(0|[1-9]\d{0,18})$/, 'must be a non-negative 64-bit integer as a string')
  .meta({ description: 'A 64-bit offset, as a string', example: '42' });

const ConfigValues = exactRecord(ConfigName, utf8Text()).meta({
  id: 'ConfigValues',
  example: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' },
});

export const IncludeInternalQuery = z.strictObject({
  includeInternal: z.enum(['true', 'false']).optional(),
});

// ---- Requests

export const PatchConfigsRequest = z
  .strictObject({
    set: ConfigValues.default({}).meta({ description: 'Overrides to set; others keep their values' }),
    delete: z
      .array(ConfigName)
      .max(1000)
      .default([])
      .meta({ description: 'Overrides to remove (back to the broker default)' }),
  })
  .superRefine((patch, context) => {
    if (Object.keys(patch.set).length === 0 && patch.delete.length === 0) {
      context.addIssue({ code: 'custom', path: [], message: 'set or delete at least one config' });
    }
    patch.delete.forEach((name, index) => {
      if (Object.hasOwn(patch.set, name)) {
        context.addIssue({ code: 'custom', path: ['delete', index], message: `${name} is also in set` });
      }
    });
  })
  .meta({ id: 'PatchConfigsRequest' });

/**
 * The requests whose limits are settings: `maxPartitions` is ADMIN_MAX_PARTITIONS (see config.ts), so
 * the OpenAPI document a deployment serves states the limits it enforces.
 */
export function adminRequestSchemas(maxPartitions: number = MAX_PARTITIONS) {
  const PartitionCount = z.int().min(1).max(maxPartitions);

  const CreateTopicRequest = z
    .strictObject({
      name: TopicName,
      partitions: PartitionCount.optional().meta({ description: "The broker's num.partitions when absent" }),
      replicationFactor: z
        .int()
        .min(1)
        .max(32_767)
        .optional()
        .meta({ description: "The broker's default.replication.factor when absent" }),
      configs: ConfigValues.default({}),
      validateOnly: z.boolean().default(false).meta({ description: 'Check with the broker, create nothing' }),
    })
    .meta({ id: 'CreateTopicRequest' });

  const AddPartitionsRequest = z
    .strictObject({ count: PartitionCount.meta({ description: 'The new total; larger than today' }) })
    .meta({ id: 'AddPartitionsRequest' });

  const ResetOffsetsRequest = z
    .strictObject({
      topic: TopicName,
      to: z.union([
        z.enum(['earliest', 'latest']),
        z.strictObject({ timestamp: Timestamp }).meta({
          description: 'The first offset at or after the timestamp (the log end when none)',
        }),
        z.strictObject({
          offsets: z
            .array(z.strictObject({ partition: z.int().min(0), offset: Offset }))
            .min(1)
            .max(maxPartitions),
        }),
      ]),
    })
    .superRefine((request, context) => {
      if (typeof request.to === 'object' && 'offsets' in request.to) {
        const seen = new Set<number>();
        request.to.offsets.forEach(({ partition }, index) => {
          if (seen.has(partition)) {
            context.addIssue({
              code: 'custom',
              path: ['to', 'offsets', index, 'partition'],
              message: `partition ${partition} is listed twice`,
            });
          }
          seen.add(partition);
        });
      }
    })
    .meta({ id: 'ResetOffsetsRequest' });

  return { CreateTopicRequest, AddPartitionsRequest, ResetOffsetsRequest };
}

/** The schemas at the default limits: types and documentation. */
export const { CreateTopicRequest, AddPartitionsRequest, ResetOffsetsRequest } = adminRequestSchemas();

// ---- Responses

export const ClusterResponse = z
  .object({
    clusterId: z.string(),
    controller: z.int().nullable(),
    brokers: z.array(
      z.object({
        id: z.int(),
        host: z.string(),
        port: z.int(),
        rack: z.string().nullable().meta({ description: "The broker's broker.rack; null when unset" }),
      }),
    ),
  })
  .meta({ id: 'ClusterResponse' });

/** What a topic is made of: its name, partition count and replication factor. */
const topicShape = { name: z.string(), partitions: z.int(), replicationFactor: z.int() };

export const TopicSummary = z
  .object({
    ...topicShape,
    internal: z.boolean().meta({ description: 'A Kafka-internal topic (name starts with "__")' }),
  })
  .meta({ id: 'TopicSummary' });

export const TopicListResponse = z
  .object({ topics: z.array(TopicSummary) })
  .meta({ id: 'TopicListResponse' });

export const ConfigEntry = z
  .object({
    name: z.string(),
    value: z.string().nullable().meta({ description: 'null for sensitive configs' }),
    source: z.enum(['override', 'broker', 'default']).meta({
      description:
        "override: set on this topic; broker: inherited from the brokers' configuration; default: Kafka's default",
    }),
    sensitive: z.boolean(),
    readOnly: z.boolean(),
  })
  .meta({ id: 'ConfigEntry' });

export const TopicConfigsResponse = z
  .object({ topic: z.string(), configs: z.array(ConfigEntry) })
  .meta({ id: 'TopicConfigsResponse' });

const PartitionDetail = z
  .object({
    partition: z.int(),
    leader: z.int().nullable(),
    replicas: z.array(z.int()),
    isr: z.array(z.int()).meta({ description: 'In-sync replicas' }),
    offlineReplicas: z.array(z.int()),
    earliestOffset: Offset,
    latestOffset: Offset.meta({ description: 'The log-end offset (the next offset written)' }),
  })
  .meta({ id: 'PartitionDetail' });

export const TopicDetail = z
  .object({
    name: z.string(),
    internal: z.boolean(),
    replicationFactor: z.int(),
    partitions: z.array(PartitionDetail),
    configs: z.array(ConfigEntry),
  })
  .meta({ id: 'TopicDetail' });

export const ValidatedTopic = z
  .object({
    ...topicShape,
    configs: ConfigValues,
    validateOnly: z.literal(true),
  })
  .meta({ id: 'ValidatedTopic', description: 'The broker accepted the request; nothing was created' });

export const GroupSummary = z
  .object({
    id: z.string(),
    state: z.string().meta({ example: 'Stable' }),
    protocolType: z.string().meta({ description: '"consumer" for Kafka consumers; "" for offsets only' }),
    members: z.int(),
  })
  .meta({ id: 'GroupSummary' });

export const GroupListResponse = z
  .object({ groups: z.array(GroupSummary) })
  .meta({ id: 'GroupListResponse' });

const TopicPartitions = z.object({ topic: z.string(), partitions: z.array(z.int()) });

const GroupMember = z
  .object({
    memberId: z.string(),
    clientId: z.string(),
    host: z.string(),
    assignments: z.array(TopicPartitions),
  })
  .meta({ id: 'GroupMember' });

export const GroupPartitionLag = z
  .object({
    topic: z.string(),
    partition: z.int(),
    committedOffset: Offset.nullable().meta({ description: 'null when the group never committed' }),
    logEndOffset: Offset.nullable().meta({ description: 'null when the topic no longer exists' }),
    lag: Offset.nullable(),
    memberId: z.string().nullable().meta({ description: 'The member the partition is assigned to' }),
  })
  .meta({ id: 'GroupPartitionLag' });

export const GroupDetail = z
  .object({
    id: z.string(),
    state: z.string(),
    protocolType: z.string(),
    protocol: z.string().meta({ description: 'The assignor, e.g. RoundRobinAssigner' }),
    members: z.array(GroupMember),
    partitions: z.array(GroupPartitionLag),
    lag: z.object({
      total: Offset,
      max: z
        .object({ topic: z.string(), partition: z.int(), lag: Offset })
        .nullable()
        .meta({ description: 'The partition with the largest lag; null when nothing is committed' }),
    }),
  })
  .meta({ id: 'GroupDetail' });

export const ResetOffsetsResponse = z
  .object({
    group: z.string(),
    topic: z.string(),
    partitions: z.array(z.object({ partition: z.int(), offset: Offset })),
  })
  .meta({ id: 'ResetOffsetsResponse' });

export type CreateTopicRequest = z.output<typeof CreateTopicRequest>;
export type AddPartitionsRequest = z.output<typeof AddPartitionsRequest>;
export type PatchConfigsRequest = z.output<typeof PatchConfigsRequest>;
export type ResetOffsetsRequest = z.output<typeof ResetOffsetsRequest>;
export type ClusterResponse = z.infer<typeof ClusterResponse>;
export type TopicSummary = z.infer<typeof TopicSummary>;
export type ConfigEntry = z.infer<typeof ConfigEntry>;
export type TopicConfigsResponse = z.infer<typeof TopicConfigsResponse>;
export type PartitionDetail = z.infer<typeof PartitionDetail>;
export type TopicDetail = z.infer<typeof TopicDetail>;
export type ValidatedTopic = z.infer<typeof ValidatedTopic>;
export type GroupSummary = z.infer<typeof GroupSummary>;
export type GroupMember = z.infer<typeof GroupMember>;
export type GroupPartitionLag = z.infer<typeof GroupPartitionLag>;
export type GroupDetail = z.infer<typeof GroupDetail>;
export type ResetOffsetsResponse = z.infer<typeof ResetOffsetsResponse>;
