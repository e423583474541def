import { KafkaJSAggregateError, KafkaJSDeleteGroupsError, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { httpStatus } from '../../../src/shared/http/status.js';
import { fromKafkaError } from '../../../src/shared/kafka/errors.js';

// Shapes as kafkajs builds them from Kafka's error table (type, code, message).
const protocol = (type: string, message: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable: false, message } as unknown as Error);

describe('admin protocol errors', () => {
  it.each([
    ['TOPIC_ALREADY_EXISTS', 409, 'TOPIC_EXISTS'],
    ['INVALID_PARTITIONS', 400, 'INVALID_PARTITION_COUNT'],
    ['INVALID_REPLICATION_FACTOR', 400, 'INVALID_REPLICATION_FACTOR'],
    ['INVALID_CONFIG', 400, 'INVALID_CONFIG'],
    ['INVALID_TOPIC_EXCEPTION', 400, 'INVALID_TOPIC'],
    ['NON_EMPTY_GROUP', 409, 'GROUP_NOT_EMPTY'],
    ['GROUP_ID_NOT_FOUND', 404, 'GROUP_NOT_FOUND'],
    ['TOPIC_DELETION_DISABLED', 403, 'TOPIC_DELETION_DISABLED'],
  ])('%s -> %i %s', (type, statusCode, code) => {
    const mapped = fromKafkaError(protocol(type, 'reason'));
    expect({ statusCode: httpStatus(mapped), code: mapped.code }).toEqual({ statusCode, code });
  });

  it("carries Kafka's reason and looks inside CreateTopics' aggregate error", () => {
    const aggregate = new KafkaJSAggregateError('Topic creation errors', [
      protocol('INVALID_CONFIG', 'Configuration is invalid'),
    ]);
    expect(httpStatus(fromKafkaError(aggregate))).toBe(400);
    expect(fromKafkaError(aggregate)).toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'Kafka refused the configuration: Configuration is invalid',
    });
  });

  it("looks inside DeleteGroups' per-group errors", () => {
    const error = new KafkaJSDeleteGroupsError('Error in DeleteGroups', [
      { groupId: 'g', errorCode: 68, error: protocol('NON_EMPTY_GROUP', 'The group is not empty') },
    ]);
    expect(fromKafkaError(error)).toMatchObject({ code: 'GROUP_NOT_EMPTY' });
  });
});
