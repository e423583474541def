/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics (every Kafka topic config, with
 * its source), and a read-only description of the broker's own settings.
 */

import type { Broker } from '../broker.js';
import { ConfigSource, ConfigType, TOPIC_CONFIGS, validateTopicConfig } from '../configs.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { AlterConfigs, DescribeConfigs, IncrementalAlterConfigs } from '../protocol/messages/configs.js';
import { handler } from './handler.js';

const TOPIC = 2;
const BROKER = 4;

interface Described {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
  configType: number;
  documentation: string | null;
}

/** A topic's configs as DescribeConfigs reports them: overrides as TOPIC_CONFIG, the rest DEFAULT_CONFIG. */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  keys: string[] | null,
  synonyms: boolean,
  documentation: boolean,
): Described[] {
  return Object.entries(TOPIC_CONFIGS)
    .filter(([name]) => keys === null || keys.length === 0 || keys.includes(name))
    .map(([name, definition]) => {
      const override = overrides[name];
      const defaultSource = definition.defaultSource ?? ConfigSource.DEFAULT_CONFIG;
      const defaultSynonym = {
        name: definition.brokerName,
        value: definition.default,
        source: defaultSource,
      };
      return {
        name,
        value: override ?? definition.default,
        readOnly: false,
        isDefault: override === undefined && defaultSource === ConfigSource.DEFAULT_CONFIG,
        configSource: override === undefined ? defaultSource : ConfigSource.TOPIC_CONFIG,
        isSensitive: false,
        synonyms: synonyms
          ? [
              ...(override === undefined
                ? []
                : [{ name, value: override, source: ConfigSource.TOPIC_CONFIG }]),
              defaultSynonym,
            ]
          : [],
        configType: definition.type,
        documentation: documentation ? definition.doc : null,
      };
    });
}

function brokerConfigs(broker: Broker): Record<string, { value: string; type: number }> {
  const s = broker.settings;
  const str = (value: string | number | boolean, type: number) => ({ value: String(value), type });
  return {
    'node.id': str(s.nodeId, ConfigType.INT),
    'advertised.listeners': str(`PLAINTEXT://${s.advertisedHost}:${s.advertisedPort}`, ConfigType.STRING),
    'auto.create.topics.enable': str(s.autoCreateTopics, ConfigType.BOOLEAN),
    'num.partitions': str(s.numPartitions, ConfigType.INT),
    'default.replication.factor': str(1, ConfigType.INT),
    'group.min.session.timeout.ms': str(s.groupMinSessionTimeoutMs, ConfigType.INT),
    'group.max.session.timeout.ms': str(s.groupMaxSessionTimeoutMs, ConfigType.INT),
    'group.initial.rebalance.delay.ms': str(s.groupInitialRebalanceDelayMs, ConfigType.INT),
    'log.dirs': str(s.dataDir ?? '(in memory)', ConfigType.STRING),
    'log.retention.check.interval.ms': str(s.retentionCheckIntervalMs, ConfigType.LONG),
    'log.cleaner.backoff.ms': str(s.cleanerBackoffMs, ConfigType.LONG),
    'message.max.bytes': str(TOPIC_CONFIGS['max.message.bytes']?.default ?? '', ConfigType.INT),
  };
}

export const describeConfigs = handler(DescribeConfigs, (request, { broker }) => ({
  throttleTimeMs: 0,
  results: request.resources.map(({ resourceType, resourceName, configurationKeys }) => {
    const result = {
      errorCode: ErrorCode.NONE as number,
      errorMessage: null as string | null,
      resourceType,
      resourceName,
      configs: [] as Described[],
    };
    if (resourceType === TOPIC) {
      const topic = broker.topics.get(resourceName);
      if (!topic) {
        return {
          ...result,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: `The topic '${resourceName}' does not exist.`,
        };
      }
      return {
        ...result,
        configs: describeTopicConfigs(
          topic.config.overrides,
          configurationKeys,
          request.includeSynonyms,
          request.includeDocumentation,
        ),
      };
    }
    if (resourceType === BROKER) {
      if (resourceName !== '' && resourceName !== String(broker.settings.nodeId)) {
        return {
          ...result,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Unexpected broker id, expected ${broker.settings.nodeId} or empty string, but received ${resourceName}`,
        };
      }
      const configs = Object.entries(brokerConfigs(broker))
        .filter(
          ([name]) =>
            configurationKeys === null || configurationKeys.length === 0 || configurationKeys.includes(name),
        )
        .map(([name, { value, type }]) => ({
          name,
          value,
          readOnly: true,
          isDefault: false,
          configSource: ConfigSource.STATIC_BROKER_CONFIG,
          isSensitive: false,
          synonyms: request.includeSynonyms
            ? [{ name, value, source: ConfigSource.STATIC_BROKER_CONFIG }]
            : [],
          configType: type,
          documentation: null,
        }));
      return { ...result, configs };
    }
    return {
      ...result,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Unsupported resource type ${resourceType}`,
    };
  }),
}));

function alterTopic(
  broker: Broker,
  resourceType: number,
  resourceName: string,
  validateOnly: boolean,
  compute: (current: Readonly<Record<string, string>>) => Record<string, string>,
) {
  const result = {
    errorCode: ErrorCode.NONE as number,
    errorMessage: null as string | null,
    resourceType,
    resourceName,
  };
  try {
    if (resourceType === BROKER) {
      throw new KafkaError(
        ErrorCode.INVALID_REQUEST,
        'The broker configs of this broker are set at start and cannot be altered',
      );
    }
    if (resourceType !== TOPIC)
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
    const topic = broker.topics.get(resourceName);
    if (!topic)
      throw new KafkaError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `The topic '${resourceName}' does not exist.`,
      );
    const next = compute(topic.config.overrides);
    if (!validateOnly) broker.topics.setConfig(topic, next);
    return result;
  } catch (error) {
    if (!(error instanceof KafkaError)) throw error;
    return { ...result, errorCode: error.code, errorMessage: error.message };
  }
}

function rejectDuplicates(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${name}`);
    seen.add(name);
  }
}

export const alterConfigs = handler(AlterConfigs, (request, { broker }) => ({
  throttleTimeMs: 0,
  responses: request.resources.map(({ resourceType, resourceName, configs }) =>
    alterTopic(broker, resourceType, resourceName, request.validateOnly, () => {
      rejectDuplicates(configs.map((c) => c.name));
      const next: Record<string, string> = {};
      for (const { name, value } of configs) next[name] = validateTopicConfig(name, value);
      return next;
    }),
  ),
}));

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

export const incrementalAlterConfigs = handler(IncrementalAlterConfigs, (request, { broker }) => ({
  throttleTimeMs: 0,
  responses: request.resources.map(({ resourceType, resourceName, configs }) =>
    alterTopic(broker, resourceType, resourceName, request.validateOnly, (current) => {
      rejectDuplicates(configs.map((c) => c.name));
      const next: Record<string, string> = { ...current };
      for (const { name, configOperation, value } of configs) {
        const definition = TOPIC_CONFIGS[name];
        if (!definition) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
        const list = () => (next[name] ?? definition.default).split(',').filter((item) => item !== '');
        switch (configOperation) {
          case SET:
            next[name] = validateTopicConfig(name, value);
            break;
          case DELETE:
            delete next[name];
            break;
          case APPEND:
          case SUBTRACT: {
            if (definition.type !== ConfigType.LIST) {
              throw new KafkaError(
                ErrorCode.INVALID_CONFIG,
                `Config value ${configOperation === APPEND ? 'append' : 'subtract'} is not allowed for config key: ${name}`,
              );
            }
            const items = (value ?? '')
              .split(',')
              .map((item) => item.trim())
              .filter((item) => item !== '');
            const merged =
              configOperation === APPEND
                ? [...list(), ...items.filter((item) => !list().includes(item))]
                : list().filter((item) => !items.includes(item));
            next[name] = validateTopicConfig(name, merged.join(','));
            break;
          }
          default:
            throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${configOperation}`);
        }
      }
      return next;
    }),
  ),
}));
