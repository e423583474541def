/**
 * Topic configs as Kafka 4 defines them (names, types, defaults, valid ranges), so DescribeConfigs reads
 * like Kafka's and CreateTopics/AlterConfigs refuse what Kafka refuses. Those the broker acts on are marked
 * `applied`; the others are accepted, stored and reported but change nothing here (docs/broker.md).
 */
import { ErrorCode, KafkaError } from './protocol/errors.js';

/** DescribeConfigs ConfigType (v3+). */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 } as const;
/** DescribeConfigs ConfigSource (v1+). */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

const LONG_MAX = '9223372036854775807';

interface ConfigDefinition {
  /**
   * Where the default comes from when the topic does not override it. A KRaft cluster of Kafka 4 sets
   * min.insync.replicas as a cluster-wide dynamic default (for eligible leader replicas, KIP-966), so Kafka
   * reports that one as DYNAMIC_DEFAULT_BROKER_CONFIG, and kafka-topics --describe lists it.
   */
  defaultSource?: number;
  type: (typeof ConfigType)[keyof typeof ConfigType];
  default: string;
  /** Broker config whose value is the topic default (a synonym in DescribeConfigs). */
  brokerName: string;
  min?: number;
  max?: number;
  oneOf?: readonly string[];
  applied?: boolean;
  doc: string;
}

const def = (
  type: ConfigDefinition['type'],
  defaultValue: string,
  brokerName: string,
  doc: string,
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition => ({ type, default: defaultValue, brokerName, doc, ...extra });

/** Every topic config of Kafka 4, in Kafka's order of DescribeConfigs (alphabetical). */
export const TOPIC_CONFIGS: Readonly<Record<string, ConfigDefinition>> = {
  'cleanup.policy': def(ConfigType.LIST, 'delete', 'log.cleanup.policy', 'delete and/or compact', {
    oneOf: ['delete', 'compact'],
    applied: true,
  }),
  'compression.gzip.level': def(ConfigType.INT, '-1', 'compression.gzip.level', 'gzip level', {
    min: -1,
    max: 9,
  }),
  'compression.lz4.level': def(ConfigType.INT, '9', 'compression.lz4.level', 'lz4 level', {
    min: 1,
    max: 17,
  }),
  'compression.type': def(ConfigType.STRING, 'producer', 'compression.type', 'codec of stored batches', {
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  }),
  'compression.zstd.level': def(ConfigType.INT, '3', 'compression.zstd.level', 'zstd level', {
    min: -131072,
    max: 22,
  }),
  'delete.retention.ms': def(
    ConfigType.LONG,
    '86400000',
    'log.cleaner.delete.retention.ms',
    'how long tombstones stay after compaction',
    {
      min: 0,
      applied: true,
    },
  ),
  'file.delete.delay.ms': def(
    ConfigType.LONG,
    '60000',
    'log.segment.delete.delay.ms',
    'delay before deleting a file',
    {
      min: 0,
    },
  ),
  'flush.messages': def(
    ConfigType.LONG,
    LONG_MAX,
    'log.flush.interval.messages',
    'fsync after this many messages',
    {
      min: 1,
      applied: true,
    },
  ),
  'flush.ms': def(ConfigType.LONG, LONG_MAX, 'log.flush.interval.ms', 'fsync at least this often', {
    min: 0,
  }),
  'follower.replication.throttled.replicas': def(
    ConfigType.LIST,
    '',
    'follower.replication.throttled.replicas',
    'throttled replicas',
  ),
  'index.interval.bytes': def(ConfigType.INT, '4096', 'log.index.interval.bytes', 'index granularity', {
    min: 0,
  }),
  'leader.replication.throttled.replicas': def(
    ConfigType.LIST,
    '',
    'leader.replication.throttled.replicas',
    'throttled replicas',
  ),
  'local.retention.bytes': def(
    ConfigType.LONG,
    '-2',
    'log.local.retention.bytes',
    'tiered storage local retention',
    { min: -2 },
  ),
  'local.retention.ms': def(
    ConfigType.LONG,
    '-2',
    'log.local.retention.ms',
    'tiered storage local retention',
    { min: -2 },
  ),
  'max.compaction.lag.ms': def(
    ConfigType.LONG,
    LONG_MAX,
    'log.cleaner.max.compaction.lag.ms',
    'max time a record stays uncompacted',
    {
      min: 1,
    },
  ),
  'max.message.bytes': def(ConfigType.INT, '1048588', 'message.max.bytes', 'largest record batch accepted', {
    min: 0,
    applied: true,
  }),
  'message.timestamp.after.max.ms': def(
    ConfigType.LONG,
    '3600000',
    'log.message.timestamp.after.max.ms',
    'how far in the future a CreateTime timestamp may be',
    {
      min: 0,
      applied: true,
    },
  ),
  'message.timestamp.before.max.ms': def(
    ConfigType.LONG,
    LONG_MAX,
    'log.message.timestamp.before.max.ms',
    'how far in the past a CreateTime timestamp may be',
    {
      min: 0,
      applied: true,
    },
  ),
  'message.timestamp.type': def(
    ConfigType.STRING,
    'CreateTime',
    'log.message.timestamp.type',
    'CreateTime or LogAppendTime',
    {
      oneOf: ['CreateTime', 'LogAppendTime'],
      applied: true,
    },
  ),
  'min.cleanable.dirty.ratio': def(
    ConfigType.DOUBLE,
    '0.5',
    'log.cleaner.min.cleanable.ratio',
    'dirty share that triggers compaction',
    {
      min: 0,
      max: 1,
      applied: true,
    },
  ),
  'min.compaction.lag.ms': def(
    ConfigType.LONG,
    '0',
    'log.cleaner.min.compaction.lag.ms',
    'min time a record stays uncompacted',
    {
      min: 0,
    },
  ),
  'min.insync.replicas': def(
    ConfigType.INT,
    '1',
    'min.insync.replicas',
    'replicas that must acknowledge acks=all',
    { min: 1, defaultSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
  ),
  preallocate: def(ConfigType.BOOLEAN, 'false', 'log.preallocate', 'preallocate segment files'),
  'remote.log.copy.disable': def(ConfigType.BOOLEAN, 'false', 'remote.log.copy.disable', 'tiered storage'),
  'remote.log.delete.on.disable': def(
    ConfigType.BOOLEAN,
    'false',
    'remote.log.delete.on.disable',
    'tiered storage',
  ),
  'remote.storage.enable': def(ConfigType.BOOLEAN, 'false', 'remote.storage.enable', 'tiered storage'),
  'retention.bytes': def(
    ConfigType.LONG,
    '-1',
    'log.retention.bytes',
    'partition size above which old segments go',
    {
      applied: true,
    },
  ),
  'retention.ms': def(ConfigType.LONG, '604800000', 'log.retention.ms', 'age after which old segments go', {
    min: -1,
    applied: true,
  }),
  'segment.bytes': def(ConfigType.INT, '1073741824', 'log.segment.bytes', 'segment file size', {
    min: 14,
    applied: true,
  }),
  'segment.index.bytes': def(ConfigType.INT, '10485760', 'log.index.size.max.bytes', 'index file size', {
    min: 4,
  }),
  'segment.jitter.ms': def(ConfigType.LONG, '0', 'log.roll.jitter.ms', 'segment roll jitter', { min: 0 }),
  'segment.ms': def(ConfigType.LONG, '604800000', 'log.roll.ms', 'segment age that rolls a new one', {
    min: 1,
    applied: true,
  }),
  'unclean.leader.election.enable': def(
    ConfigType.BOOLEAN,
    'false',
    'unclean.leader.election.enable',
    'replication',
  ),
};

function invalid(name: string, value: string, why: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: ${why}`);
}

/** Checks one topic config; throws KafkaError INVALID_CONFIG naming the config. Returns the normalized value. */
export function validateTopicConfig(name: string, value: string | null): string {
  const definition = TOPIC_CONFIGS[name];
  if (!definition) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
  if (value === null)
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for topic configs: ${name}`);
  const trimmed = value.trim();
  switch (definition.type) {
    case ConfigType.INT:
    case ConfigType.SHORT:
    case ConfigType.LONG: {
      if (!/^-?\d+$/.test(trimmed)) {
        throw invalid(
          name,
          value,
          `Not a number of type ${definition.type === ConfigType.LONG ? 'LONG' : 'INT'}`,
        );
      }
      const n = Number(trimmed);
      if (definition.type === ConfigType.INT && (n > 2147483647 || n < -2147483648)) {
        throw invalid(name, value, 'Not a number of type INT');
      }
      if (definition.min !== undefined && n < definition.min) {
        throw invalid(name, value, `Value must be at least ${definition.min}`);
      }
      if (definition.max !== undefined && n > definition.max) {
        throw invalid(name, value, `Value must be no more than ${definition.max}`);
      }
      return trimmed;
    }
    case ConfigType.DOUBLE: {
      const n = Number(trimmed);
      if (trimmed === '' || Number.isNaN(n)) throw invalid(name, value, 'Not a number of type DOUBLE');
      if (
        (definition.min !== undefined && n < definition.min) ||
        (definition.max !== undefined && n > definition.max)
      ) {
        throw invalid(name, value, `Value must be between ${definition.min} and ${definition.max}`);
      }
      return trimmed;
    }
    case ConfigType.BOOLEAN:
      if (!/^(true|false)$/i.test(trimmed))
        throw invalid(name, value, 'Expected value to be either true or false');
      return trimmed.toLowerCase();
    case ConfigType.LIST: {
      const items = trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
      if (definition.oneOf) {
        for (const item of items) {
          if (!definition.oneOf.includes(item)) {
            throw invalid(name, value, `String must be one of: ${definition.oneOf.join(', ')}`);
          }
        }
      }
      return items.join(',');
    }
    default:
      if (definition.oneOf && !definition.oneOf.includes(trimmed)) {
        throw invalid(name, value, `String must be one of: ${definition.oneOf.join(', ')}`);
      }
      return trimmed;
  }
}

/** A topic's effective configuration: its overrides over Kafka's defaults, read as typed values. */
export class TopicConfig {
  constructor(readonly overrides: Readonly<Record<string, string>>) {}

  value(name: string): string {
    return this.overrides[name] ?? TOPIC_CONFIGS[name]?.default ?? '';
  }

  number(name: string): number {
    return Number(this.value(name));
  }

  get compact(): boolean {
    return this.value('cleanup.policy').split(',').includes('compact');
  }

  get delete(): boolean {
    return this.value('cleanup.policy').split(',').includes('delete');
  }

  get logAppendTime(): boolean {
    return this.value('message.timestamp.type') === 'LogAppendTime';
  }
}
