/**
 * Byte-level fixtures of our message layouts, per version: classic and flexible (compact strings and
 * arrays, tagged fields), written out by hand from the protocol guide, both ways.
 */
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../../src/broker/protocol/io.js';
import { ApiVersions } from '../../../../src/broker/protocol/messages/api-versions.js';
import { FindCoordinator } from '../../../../src/broker/protocol/messages/find-coordinator.js';
import { Heartbeat, JoinGroup } from '../../../../src/broker/protocol/messages/groups.js';
import { Metadata } from '../../../../src/broker/protocol/messages/metadata.js';
import { Produce } from '../../../../src/broker/protocol/messages/produce.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  versions,
} from '../../../../src/broker/protocol/schema.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytes = (write: (w: Writer) => void) => {
  const w = new Writer(4);
  write(w);
  return Buffer.from(w.result());
};

describe('primitives', () => {
  it('zig-zag varints and unsigned varints', () => {
    expect(bytes((w) => w.varint(-1))).toEqual(hex('01'));
    expect(bytes((w) => w.varint(300))).toEqual(hex('d804'));
    expect(bytes((w) => w.uvarint(300))).toEqual(hex('ac02'));
    expect(new Reader(hex('d804')).varint()).toBe(300);
    expect(new Reader(hex('ffffffff0f')).uvarint()).toBe(2 ** 32 - 1);
    // Long.MAX_VALUE, read approximately as a number.
    expect(new Reader(hex('feffffffffffffffff01')).varlong()).toBe(2 ** 63);
  });

  it('int64 as numbers: exact below 2^53, clamped beyond', () => {
    expect(bytes((w) => w.int64(-1))).toEqual(hex('ffffffffffffffff'));
    expect(bytes((w) => w.int64(2 ** 40 + 5))).toEqual(hex('0000010000000005'));
    expect(bytes((w) => w.int64(2 ** 64))).toEqual(hex('7fffffffffffffff'));
    expect(new Reader(hex('fffffffffffffffe')).int64()).toBe(-2);
  });

  it('throws on truncated input', () => {
    expect(() => new Reader(hex('0001')).int32()).toThrow(/truncated/);
  });

  it('version ranges', () => {
    expect(versions('3+')).toEqual([3, Number.POSITIVE_INFINITY]);
    expect(versions('0-4')).toEqual([0, 4]);
    expect(versions('5')).toEqual([5, 5]);
  });
});

describe('ApiVersions', () => {
  it('v3 request: compact strings and an empty tagged-field section', () => {
    const body = hex('08 6b61666b616a73 06 322e322e34 00');
    expect(decodeRequest(ApiVersions, 3, new Reader(body))).toEqual({
      clientSoftwareName: 'kafkajs',
      clientSoftwareVersion: '2.2.4',
    });
  });

  it.each([
    [
      'v0 response (the layout of the UNSUPPORTED_VERSION fallback)',
      0,
      { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] },
      '0023 00000001 0012 0000 0003',
    ],
    [
      'v3 response: compact array, tagged fields after each struct and at the end',
      3,
      { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }] },
      '0000 02 0000 0003 0009 00 00000000 00',
    ],
  ])('%s', (_, version, response, bytes) => {
    const w = new Writer();
    encodeResponse(ApiVersions, version, w, { ...response, throttleTimeMs: 0 });
    expect(Buffer.from(w.result())).toEqual(hex(bytes));
  });
});

describe('Metadata request', () => {
  it('v1: null topics (every topic)', () => {
    expect(decodeRequest(Metadata, 1, new Reader(hex('ffffffff')))).toMatchObject({
      topics: null,
      allowAutoTopicCreation: true,
    });
  });

  it('v4: named topic, auto-creation off', () => {
    const request = decodeRequest(Metadata, 4, new Reader(hex('00000001 0001 74 00')));
    expect(request).toMatchObject({ topics: [{ name: 't' }], allowAutoTopicCreation: false });
  });

  it('v9 (flexible): null compact array and the authorized-operations flags', () => {
    const w = new Writer();
    encodeRequest(Metadata, 9, w, {
      topics: null,
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(Buffer.from(w.result())).toEqual(hex('00 01 00 00 00'));
  });

  it('skips tagged fields it does not know', () => {
    // topics: one topic "t" (compact) whose struct carries tag 7 with 2 bytes; then the request's flags.
    const body = hex('02 0274 01 07 02 abcd 01 00 00 00');
    expect(decodeRequest(Metadata, 9, new Reader(body))).toMatchObject({ topics: [{ name: 't' }] });
  });
});

describe('FindCoordinator response', () => {
  it('v0: error, node, host, port', () => {
    const w = new Writer();
    encodeResponse(FindCoordinator, 0, w, { errorCode: 0, nodeId: 1, host: 'h', port: 9092 });
    expect(Buffer.from(w.result())).toEqual(hex('0000 00000001 0001 68 00002384'));
  });

  it('v4: one entry per key', () => {
    const w = new Writer();
    encodeResponse(FindCoordinator, 4, w, {
      throttleTimeMs: 0,
      coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 9092, errorCode: 0, errorMessage: null }],
    });
    expect(Buffer.from(w.result())).toEqual(hex('00000000 02 0267 00000001 0268 00002384 0000 00 00 00'));
  });
});

describe('group requests', () => {
  it('Heartbeat v4 (flexible) with a null group instance id', () => {
    expect(decodeRequest(Heartbeat, 4, new Reader(hex('0267 00000005 026d 00 00')))).toEqual({
      groupId: 'g',
      generationId: 5,
      memberId: 'm',
      groupInstanceId: null,
    });
  });

  it('JoinGroup v0 has no rebalance timeout; later fields take their defaults', () => {
    const body = hex('0001 67 00007530 0000 0008 636f6e73756d6572 00000001 0001 72 00000002 abcd');
    expect(decodeRequest(JoinGroup, 0, new Reader(body))).toEqual({
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: -1,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'r', metadata: hex('abcd') }],
      reason: null,
    });
  });

  it('JoinGroup v7 response: nullable protocol type and name', () => {
    const w = new Writer();
    encodeResponse(JoinGroup, 7, w, {
      throttleTimeMs: 0,
      errorCode: 79,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      skipAssignment: false,
      memberId: 'm',
      members: [],
    });
    expect(Buffer.from(w.result())).toEqual(hex('00000000 004f ffffffff 00 00 01 026d 01 00'));
  });
});

describe('Produce', () => {
  it('v3 request: records as a byte slice of the request', () => {
    const body = hex('ffff ffff 00001388 00000001 0001 74 00000001 00000000 00000003 aabbcc');
    const request = decodeRequest(Produce, 3, new Reader(body));
    expect(request).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 5000 });
    expect(request.topicData[0]?.partitionData[0]?.records).toEqual(hex('aabbcc'));
  });

  it('v9 response round-trips (flexible)', () => {
    const w = new Writer();
    const response = {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 87,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [{ batchIndex: 2, batchIndexErrorMessage: 'no key' }],
              errorMessage: 'rejected',
            },
          ],
        },
      ],
      throttleTimeMs: 0,
    };
    encodeResponse(Produce, 9, w, response);
    expect(decodeResponse(Produce, 9, new Reader(Buffer.from(w.result())))).toEqual(response);
  });
});
