import { describe, expect, it } from 'vitest';
import { loadAdminConfig } from '../../../src/shared/admin/config.js';
import {
  AddPartitionsRequest,
  CreateTopicRequest,
  PatchConfigsRequest,
  ResetOffsetsRequest,
} from '../../../src/shared/admin/schema.js';
import { parseWith } from '../../../src/shared/http/request.js';

const fields = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    return (error as { details: { field: string }[] }).details.map((detail) => detail.field);
  }
  throw new Error('expected a validation error');
};

describe('CreateTopicRequest', () => {
  it('fills defaults', () => {
    expect(parseWith(CreateTopicRequest, { name: 'orders' })).toEqual({
      name: 'orders',
      configs: {},
      validateOnly: false,
    });
  });

  it.each([
    [{ name: '..' }, ['name']],
    [{ name: 'a b' }, ['name']],
    [{ name: 'x'.repeat(250) }, ['name']],
    [{ name: 'ok', partitions: 0 }, ['partitions']],
    [{ name: 'ok', partitions: 1.5 }, ['partitions']],
    [{ name: 'ok', partitions: 10_001 }, ['partitions']],
    [{ name: 'ok', replicationFactor: 0 }, ['replicationFactor']],
    [{ name: 'ok', configs: { 'retention.ms': 1 } }, ['configs.retention.ms']],
    [{ name: 'ok', configs: { 'bad name': '1' } }, ['configs.bad name']],
    [{ name: 'ok', validateOnly: 'yes' }, ['validateOnly']],
    [{ name: 'ok', topic: 'x' }, ['']],
  ])('rejects %j naming %j', (body, expected) => {
    expect(fields(() => parseWith(CreateTopicRequest, body))).toEqual(expected);
  });
});

describe('AddPartitionsRequest', () => {
  it('needs a positive integer count', () => {
    expect(parseWith(AddPartitionsRequest, { count: 4 })).toEqual({ count: 4 });
    expect(fields(() => parseWith(AddPartitionsRequest, { count: 0 }))).toEqual(['count']);
    expect(fields(() => parseWith(AddPartitionsRequest, {}))).toEqual(['count']);
  });
});

describe('PatchConfigsRequest', () => {
  it('defaults the missing half', () => {
    expect(parseWith(PatchConfigsRequest, { delete: ['cleanup.policy'] })).toEqual({
      set: {},
      delete: ['cleanup.policy'],
    });
  });

  it('rejects an empty patch and a name both set and deleted', () => {
    expect(fields(() => parseWith(PatchConfigsRequest, {}))).toEqual(['']);
    expect(
      fields(() => parseWith(PatchConfigsRequest, { set: { a: '1', b: '2' }, delete: ['c', 'b'] })),
    ).toEqual(['delete[1]']);
  });
});

describe('ResetOffsetsRequest', () => {
  it.each([
    'earliest',
    'latest',
    { timestamp: 0 },
    { timestamp: '2026-01-01T00:00:00Z' },
    { offsets: [{ partition: 0, offset: '9223372036854775807' }] },
  ])('accepts to=%j', (to) => {
    expect(parseWith(ResetOffsetsRequest, { topic: 't', to })).toEqual({ topic: 't', to });
  });

  it.each([
    ['beginning', ['to']],
    [{ timestamp: -1 }, ['to.timestamp']],
    [{ timestamp: 'yesterday' }, ['to.timestamp']],
    [{ offsets: [] }, ['to.offsets']],
    [{ offsets: [{ partition: 0, offset: 5 }] }, ['to']],
    [{ offsets: [{ partition: 0, offset: '-1' }] }, ['to.offsets[0].offset']],
    [{ offsets: [{ partition: 0, offset: '01' }] }, ['to.offsets[0].offset']],
    [
      {
        offsets: [
          { partition: 0, offset: '1' },
          { partition: 0, offset: '2' },
        ],
      },
      ['to.offsets[1].partition'],
    ],
  ])('rejects to=%j', (to, expected) => {
    expect(fields(() => parseWith(ResetOffsetsRequest, { topic: 't', to }))).toEqual(expected);
  });
});

describe('loadAdminConfig', () => {
  it('keeps topic deletion off unless switched on', () => {
    expect(loadAdminConfig({}).allowTopicDeletion).toBe(false);
    expect(loadAdminConfig({ ADMIN_ALLOW_TOPIC_DELETION: '' }).allowTopicDeletion).toBe(false);
    expect(loadAdminConfig({ ADMIN_ALLOW_TOPIC_DELETION: 'true' }).allowTopicDeletion).toBe(true);
    expect(() => loadAdminConfig({ ADMIN_ALLOW_TOPIC_DELETION: 'yes' })).toThrow(
      /ADMIN_ALLOW_TOPIC_DELETION/,
    );
  });
});
