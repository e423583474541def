/**
 * Raw requests, written with our codec, where no client library lets a test reach: the ApiVersions
 * fallback for a version the broker does not know, a corrupt batch refused by its CRC-32C, a record
 * refused by its timestamp with Kafka's record error, and Fetch long polling on minBytes and maxWaitMs.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { Reader, Writer } from '../../src/broker/protocol/io.js';
import { ApiVersions } from '../../src/broker/protocol/messages/api-versions.js';
import { Fetch } from '../../src/broker/protocol/messages/fetch.js';
import { Produce } from '../../src/broker/protocol/messages/produce.js';
import { type Api, decodeResponse, encodeRequest } from '../../src/broker/protocol/schema.js';
import { encodeBatch } from '../../src/broker/records/batch.js';
import { afterFile } from '../support/cleanup.js';
import { kafkajsTopic } from './support.js';

const bootstrap = inject('kafkaBrokers');

/** One connection; requests answered in order. */
class RawClient {
  private correlationId = 0;
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static async open(address: string): Promise<RawClient> {
    const [host, port] = address.split(':');
    const socket = connect(Number(port), host);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    afterFile(async () => void socket.destroy());
    return client;
  }

  /** Sends a request (header v1, or v2 when `flexible`) and resolves with the response body's reader. */
  send(apiKey: number, version: number, flexible: boolean, body: (w: Writer) => void): Promise<Reader> {
    const w = new Writer();
    const correlationId = ++this.correlationId;
    w.int32(0).int16(apiKey).int16(version).int32(correlationId).nullableString('conformance');
    if (flexible) w.noTaggedFields();
    body(w);
    w.int32At(0, w.offset - 4);
    this.socket.write(w.result());
    return new Promise((resolve) => {
      this.waiting.push((frame) => {
        const r = new Reader(Buffer.from(frame));
        expect(r.int32()).toBe(correlationId);
        resolve(r);
      });
    });
  }

  async call<Req extends Record<string, unknown>, Res extends Record<string, unknown>>(
    api: Api<Req, Res>,
    version: number,
    request: Req,
  ): Promise<Res> {
    const flexible = version >= api.firstFlexible;
    const r = await this.send(api.key, version, flexible, (w) => encodeRequest(api, version, w, request));
    // Flexible response headers carry tagged fields, except ApiVersions' (always header v0).
    if (flexible && api.key !== ApiVersions.key) r.skipTaggedFields();
    return decodeResponse(api, version, r);
  }
}

const topic = (prefix: string) => kafkajsTopic(bootstrap, prefix);

const produceRequest = (name: string, records: Buffer) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 5000,
  topicData: [{ name, partitionData: [{ index: 0, records }] }],
});

const fetchRequest = (name: string, minBytes: number, maxWaitMs: number) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes,
  maxBytes: 1 << 20,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: name,
      partitions: [
        {
          partition: 0,
          currentLeaderEpoch: -1,
          fetchOffset: 0,
          lastFetchedEpoch: -1,
          logStartOffset: -1,
          partitionMaxBytes: 1 << 20,
        },
      ],
    },
  ],
  forgottenTopicsData: [],
  rackId: '',
});

describe('the wire protocol', () => {
  it('answers an ApiVersions version it does not know in the v0 layout with UNSUPPORTED_VERSION', async () => {
    const client = await RawClient.open(bootstrap);
    const r = await client.send(ApiVersions.key, 127, true, (w) =>
      w.compactString('x').compactString('1').noTaggedFields(),
    );
    const answer = decodeResponse(ApiVersions, 0, r);
    expect(answer.errorCode).toBe(35);
    expect(answer.apiKeys.find((k) => k.apiKey === ApiVersions.key)?.maxVersion).toBeGreaterThanOrEqual(3);
    // The connection stays usable: the client retries with a version listed.
    const retried = await client.call(ApiVersions, 3, {
      clientSoftwareName: 'conformance',
      clientSoftwareVersion: '1',
    });
    expect(retried.errorCode).toBe(0);
    expect(retried.apiKeys.find((k) => k.apiKey === Produce.key)?.maxVersion).toBeGreaterThanOrEqual(9);
  });

  it('refuses a batch whose CRC-32C does not match with CORRUPT_MESSAGE, and appends nothing', async () => {
    const name = await topic('cf-wire-crc');
    const client = await RawClient.open(bootstrap);
    const batch = encodeBatch({
      baseOffset: 0,
      records: [{ timestamp: Date.now(), key: null, value: Buffer.from('payload') }],
    });
    const corrupt = Buffer.from(batch);
    const at = corrupt.length - 2;
    corrupt.writeUInt8(corrupt.readUInt8(at) ^ 0xff, at);
    const refused = await client.call(Produce, 7, produceRequest(name, corrupt));
    expect(refused.responses[0]?.partitionResponses[0]?.errorCode).toBe(2);
    const accepted = await client.call(Produce, 9, produceRequest(name, batch));
    expect(accepted.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('refuses a CreateTime over message.timestamp.after.max.ms ahead with INVALID_TIMESTAMP, naming the window in longs', async () => {
    const name = await topic('cf-wire-timestamp');
    const client = await RawClient.open(bootstrap);
    const ahead = Date.now() + 2 * 3_600_000;
    const batch = encodeBatch({
      baseOffset: 0,
      records: [
        { timestamp: Date.now(), key: null, value: Buffer.from('now') },
        { timestamp: ahead, key: null, value: Buffer.from('two hours ahead') },
      ],
    });
    const refused = (await client.call(Produce, 9, produceRequest(name, batch))).responses[0]
      ?.partitionResponses[0];
    expect(refused?.errorCode).toBe(32);
    expect(refused?.recordErrors).toHaveLength(1);
    const [error] = refused?.recordErrors ?? [];
    expect(error?.batchIndex).toBe(1);
    const window = error?.batchIndexErrorMessage?.match(
      /^Timestamp (\d+) of message with offset 1 is out of range\. The timestamp should be within \[(-?\d+), (-?\d+)\]$/,
    );
    expect(window?.[1]).toBe(String(ahead));
    // The defaults: before = Long.MAX_VALUE, after = one hour, both from the same now. Exact in longs.
    const [low, high] = [BigInt(window?.[2] ?? 0), BigInt(window?.[3] ?? 0)];
    expect(high - low).toBe(9_223_372_036_854_775_807n + 3_600_000n);
    expect(Number(high) - 3_600_000).toBeLessThanOrEqual(Date.now());
  });

  it('long-polls Fetch: an empty answer after maxWaitMs, or as soon as minBytes arrive', async () => {
    const name = await topic('cf-wire-fetch');
    const consumer = await RawClient.open(bootstrap);
    const empty = await consumer.call(Fetch, 11, fetchRequest(name, 1, 200));
    expect(empty.responses[0]?.partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(empty.responses[0]?.partitions[0]?.records).toHaveLength(0);

    // A long wait that a produce cuts short: the answer carries the new batch.
    const waiting = consumer.call(Fetch, 12, fetchRequest(name, 1, 60_000));
    const producer = await RawClient.open(bootstrap);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const batch = encodeBatch({
      baseOffset: 0,
      records: [{ timestamp: Date.now(), key: null, value: Buffer.from('woke') }],
    });
    await producer.call(Produce, 9, produceRequest(name, batch));
    const answer = await waiting;
    expect(answer.responses[0]?.partitions[0]?.highWatermark).toBe(1);
    expect(
      Buffer.concat([answer.responses[0]?.partitions[0]?.records as Buffer]).includes(Buffer.from('woke')),
    ).toBe(true);
  });
});
