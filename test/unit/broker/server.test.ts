/**
 * Requests the broker does not implement are answered, never dropped: ApiVersions newer than v3 gets the
 * v0 layout with UNSUPPORTED_VERSION (so clients retry lower, KIP-511), other unknown APIs and versions
 * get UNSUPPORTED_VERSION; Produce with acks=0 gets no response at all, as Kafka does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handlers } from '../../../src/broker/apis/index.js';
import { Broker } from '../../../src/broker/broker.js';
import { createLogger } from '../../../src/broker/logger.js';
import { Reader, Writer } from '../../../src/broker/protocol/io.js';
import { ApiVersions } from '../../../src/broker/protocol/messages/api-versions.js';
import { Produce } from '../../../src/broker/protocol/messages/produce.js';
import { decodeResponse, encodeRequest } from '../../../src/broker/protocol/schema.js';
import { handleFrame } from '../../../src/broker/server.js';

const brokers: Broker[] = [];
afterEach(() => {
  for (const broker of brokers.splice(0)) broker.close();
});

function broker(): Broker {
  const b = new Broker(
    {
      nodeId: 1,
      advertisedHost: '127.0.0.1',
      advertisedPort: 9092,
      dataDir: undefined,
      autoCreateTopics: false,
      numPartitions: 1,
      groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 1_800_000,
      groupInitialRebalanceDelayMs: 0,
      retentionCheckIntervalMs: 300_000,
      cleanerBackoffMs: 15_000,
    },
    createLogger('silent'),
  );
  brokers.push(b);
  return b;
}

/** A request frame body (no size prefix): header v1 or v2, then the body. */
function request(apiKey: number, apiVersion: number, flexible: boolean, body: (w: Writer) => void): Buffer {
  const w = new Writer();
  w.int16(apiKey).int16(apiVersion).int32(42).nullableString('test');
  if (flexible) w.noTaggedFields();
  body(w);
  return Buffer.from(w.result());
}

describe('handleFrame', () => {
  it('answers ApiVersions v4 in the v0 layout with UNSUPPORTED_VERSION and our ApiVersions range', async () => {
    const frame = await handleFrame(
      broker(),
      request(18, 4, true, (w) => w.compactString('x').compactString('1').noTaggedFields()),
      '/h',
    );
    const r = new Reader(frame as Buffer, 4);
    expect(r.int32()).toBe(42);
    expect(decodeResponse(ApiVersions, 0, r)).toEqual({
      errorCode: 35,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
    });
  });

  it('advertises exactly the APIs it implements', async () => {
    const frame = await handleFrame(
      broker(),
      request(18, 3, true, (w) => w.compactString('kcat').compactString('1.7').noTaggedFields()),
      '/h',
    );
    const r = new Reader(frame as Buffer, 8); // size, correlation id; ApiVersions responses use header v0
    const response = decodeResponse(ApiVersions, 3, r);
    expect(response.errorCode).toBe(0);
    expect(response.apiKeys.map((k) => k.apiKey)).toEqual(
      handlers.map((h) => h.api.key).sort((a, b) => a - b),
    );
    expect(response.apiKeys.find((k) => k.apiKey === 0)).toEqual({ apiKey: 0, minVersion: 3, maxVersion: 9 });
  });

  it('answers an API it does not implement with UNSUPPORTED_VERSION instead of closing', async () => {
    const frame = (await handleFrame(
      broker(),
      request(29, 0, false, () => undefined),
      '/h',
    )) as Buffer;
    const r = new Reader(frame, 4);
    expect([r.int32(), r.int16()]).toEqual([42, 35]);
  });

  it('sends nothing for Produce with acks=0', async () => {
    const frame = await handleFrame(
      broker(),
      request(0, 3, false, (w) =>
        encodeRequest(Produce, 3, w, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [] }),
      ),
      '/h',
    );
    expect(frame).toBeNull();
  });
});
