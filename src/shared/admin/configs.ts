/**
 * Topic configs: how Kafka reports them, and the merge behind `PATCH /v1/topics/{topic}/configs`.
 * Pure functions, so the merge rules are unit-tested without a broker.
 */
import { ConfigNotReadableError } from '../errors.js';
import type { ConfigDescription } from '../kafka/admin.js';
import { CONFIG_SOURCE } from '../kafka/config-source.js';
import type { ConfigEntry, PatchConfigsRequest } from './schema.js';

/** Where a config's value comes from, from Kafka's ConfigSource: set on the topic, the brokers', or Kafka's default. */
export function sourceOf(
  entry: Pick<ConfigDescription, 'configSource' | 'isDefault'>,
): ConfigEntry['source'] {
  switch (entry.configSource) {
    case CONFIG_SOURCE.TOPIC_CONFIG:
      return 'override';
    case CONFIG_SOURCE.DYNAMIC_BROKER_CONFIG:
    case CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG:
    case CONFIG_SOURCE.STATIC_BROKER_CONFIG:
      return 'broker';
    default:
      return entry.isDefault ? 'default' : 'override';
  }
}

/** A described config as the API shows it; a sensitive value is null. */
export function toConfigEntry(entry: ConfigDescription): ConfigEntry {
  return {
    name: entry.configName,
    value: entry.isSensitive ? null : entry.configValue,
    source: sourceOf(entry),
    sensitive: entry.isSensitive,
    readOnly: entry.readOnly,
  };
}

/**
 * The topic's own overrides (source = topic), the only configs AlterConfigs writes. A sensitive override
 * cannot be read back, so it could not be written back either: refuse rather than erase it.
 */
export function currentOverrides(entries: readonly ConfigEntry[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.source !== 'override') continue;
    if (entry.value === null) {
      throw new ConfigNotReadableError(
        `override ${entry.name} is sensitive and cannot be read back, so it cannot be preserved by a PATCH`,
      );
    }
    overrides[entry.name] = entry.value;
  }
  return overrides;
}

/**
 * Incremental semantics over a full replacement: every current override survives unless the patch sets
 * or deletes it. Deleting a name that is not overridden changes nothing.
 */
export function mergeOverrides(
  current: Readonly<Record<string, string>>,
  patch: Pick<PatchConfigsRequest, 'set' | 'delete'>,
): Record<string, string> {
  const merged: Record<string, string> = { ...current, ...patch.set };
  for (const name of patch.delete) delete merged[name];
  return merged;
}
