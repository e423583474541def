import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentOverrides,
  mergeOverrides,
  sourceOf,
  toConfigEntry,
} from '../../../src/shared/admin/configs.js';
import type { ConfigEntry } from '../../../src/shared/admin/schema.js';
import { CONFIG_SOURCE } from '../../../src/shared/kafka/config-source.js';

const entry = (name: string, value: string | null, source: ConfigEntry['source']): ConfigEntry => ({
  name,
  value,
  source,
  sensitive: value === null,
  readOnly: false,
});

describe('mergeOverrides (PATCH semantics over a full replacement)', () => {
  it('keeps overrides the patch does not name, sets and deletes the ones it does', () => {
    // Prepare
    const current = { 'retention.ms': '60000', 'cleanup.policy': 'compact', 'max.message.bytes': '200000' };

    // Act
    const merged = mergeOverrides(current, {
      set: { 'retention.ms': '3600000', 'segment.ms': '600000' },
      delete: ['cleanup.policy'],
    });

    // Assess
    expect(merged).toEqual({
      'retention.ms': '3600000',
      'max.message.bytes': '200000',
      'segment.ms': '600000',
    });
    expect(current['cleanup.policy']).toBe('compact');
  });

  it('deleting a name that is not overridden changes nothing', () => {
    expect(mergeOverrides({ a: '1' }, { set: {}, delete: ['b'] })).toEqual({ a: '1' });
  });

  it('never loses an override it was not asked to change (property)', () => {
    const names = fc.stringMatching(/^[a-z]{1,3}(\.[a-z]{1,3})?$/);
    fc.assert(
      fc.property(
        fc.dictionary(names, fc.string()),
        fc.dictionary(names, fc.string()),
        fc.array(names),
        (current, set, deletions) => {
          const remove = deletions.filter((name) => !(name in set));
          const merged = mergeOverrides(current, { set, delete: remove });
          for (const [name, value] of Object.entries(current)) {
            if (!(name in set) && !remove.includes(name)) expect(merged[name]).toBe(value);
          }
          for (const [name, value] of Object.entries(set)) expect(merged[name]).toBe(value);
          for (const name of remove) expect(name in merged).toBe(false);
        },
      ),
    );
  });
});

describe('currentOverrides', () => {
  it('keeps only the topic overrides', () => {
    const entries = [
      entry('retention.ms', '60000', 'override'),
      entry('cleanup.policy', 'delete', 'default'),
      entry('min.insync.replicas', '1', 'broker'),
    ];
    expect(currentOverrides(entries)).toEqual({ 'retention.ms': '60000' });
  });

  it('refuses (409) rather than erase an override it cannot read back', () => {
    expect(() => currentOverrides([entry('secret.thing', null, 'override')])).toThrowError(
      expect.objectContaining({ code: 'CONFIG_NOT_READABLE' }),
    );
  });
});

describe('config sources', () => {
  it.each([
    [CONFIG_SOURCE.TOPIC_CONFIG, false, 'override'],
    [CONFIG_SOURCE.DYNAMIC_BROKER_CONFIG, false, 'broker'],
    [CONFIG_SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG, false, 'broker'],
    [CONFIG_SOURCE.STATIC_BROKER_CONFIG, false, 'broker'],
    [CONFIG_SOURCE.DEFAULT_CONFIG, true, 'default'],
    [CONFIG_SOURCE.UNKNOWN, true, 'default'],
  ] as const)('source %i is %s', (configSource, isDefault, expected) => {
    expect(sourceOf({ configSource, isDefault })).toBe(expected);
  });

  it('hides sensitive values', () => {
    const described = {
      configName: 'x',
      configValue: 'secret',
      configSource: CONFIG_SOURCE.TOPIC_CONFIG,
      isDefault: false,
      isSensitive: true,
      readOnly: false,
    };
    expect(toConfigEntry(described)).toEqual({
      name: 'x',
      value: null,
      source: 'override',
      sensitive: true,
      readOnly: false,
    });
  });
});
