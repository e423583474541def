/**
 * Acknowledged ⇒ readable, for the produce API. Warm produce functions send a seeded random sequence of
 * requests (explicit partitions, keys, keyless records, batches; acks all and leader) while another client
 * grows the topic, deletes it and creates it again with fewer and with more partitions, and the broker is
 * paused (SIGSTOP) and resumed. Every record answered as written (200, or written in a 207) must then be
 * read back by kafka-python at its partition and offset, byte for byte; every other record must have been
 * answered with an error. The broker is this file's own (the one LOCAL_BROKER names, as a process of its
 * own), so pausing it disturbs no other test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBroker, startLocalBroker } from '../../../infra/local/broker.js';
import { logger } from '../../../src/shared/logger.js';
import { uniqueName } from '../../support/kafka.js';
import type { PeerRecord } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';
import { pauseProcess, type Random, seededRandom, testSeed, topologyClient } from '../../support/topology.js';

const WORKERS = 3;
const MAX_PARTITIONS = 6;
/** The failures a record may get while the topology changes; anything else is a fault. */
const expectedFailure = (status: number, code: string | undefined) =>
  (status === 400 && code === 'PARTITION_NOT_FOUND') ||
  (status === 404 && code === 'TOPIC_NOT_FOUND') ||
  status === 503 ||
  status === 504;

interface SentRecord {
  key: Buffer | null;
  value: Buffer;
  header: string | undefined;
  partition: number | undefined;
}

interface Written {
  record: SentRecord;
  partition: number;
  offset: string;
  incarnation: number;
}

/** Holds new requests back and tells when none is in flight, so the topic can be snapshot and deleted. */
function quiescence() {
  let closed: { promise: Promise<void>; open: () => void } | undefined;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  return {
    async run<T>(request: () => Promise<T>): Promise<T> {
      while (closed) await closed.promise;
      inFlight++;
      try {
        return await request();
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    },
    async close(): Promise<void> {
      let open: () => void = () => undefined;
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      closed = { promise, open };
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      drained = undefined;
    },
    open(): void {
      const gate = closed;
      closed = undefined;
      gate?.open();
    },
  };
}

/** `partitions`: what the topic has now, as far as the test knows; one beyond it now and then. */
function randomRequest(random: Random, partitions: number) {
  const count = random.chance(0.4) ? 1 : 2 + random.int(19);
  const records: SentRecord[] = Array.from({ length: count }, () => {
    const kind = random.int(3);
    return {
      key: kind === 1 ? Buffer.from(`key-${random.int(64)}`) : null,
      value: random.bytes(1 + random.int(200)),
      header: random.chance(0.3) ? `h-${random.int(1000)}-ë` : undefined,
      partition: kind === 0 ? random.int(Math.max(1, partitions) + (random.chance(0.02) ? 2 : 0)) : undefined,
    };
  });
  const body = {
    acks: random.chance(0.75) ? 'all' : 'leader',
    valueFormat: 'binary',
    records: records.map((record) => ({
      ...(record.key ? { key: record.key.toString() } : {}),
      value: record.value.toString('base64'),
      ...(record.header ? { headers: { trace: record.header } } : {}),
      ...(record.partition === undefined ? {} : { partition: record.partition }),
    })),
  };
  return { records, body };
}

const decoded = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64'));

/** Why the record read back at the answer's coordinates is not the one sent, or undefined when it is. */
function mismatch(sent: SentRecord, read: PeerRecord | undefined): string | undefined {
  if (!read) return 'no record there';
  if (!decoded(read.value)?.equals(sent.value)) return 'other value';
  if (!(decoded(read.key) ?? Buffer.alloc(0)).equals(sent.key ?? Buffer.alloc(0))) return 'other key';
  const header = read.headers.find(([name]) => name === 'trace')?.[1];
  if ((header === undefined ? undefined : decoded(header)?.toString()) !== sent.header) return 'other header';
  return undefined;
}

describe('produce API: acknowledged means readable', () => {
  let broker: LocalBroker;

  const level = logger.getLevelName();
  beforeAll(async () => {
    // Tens of thousands of requests: their access log lines would drown the test's output.
    logger.setLogLevel('ERROR');
    broker = await startLocalBroker();
  });
  afterAll(async () => {
    logger.setLogLevel(level);
    await broker?.stop();
  });

  it('reads back every acknowledged record at its offset, through growth, recreation and a paused broker', async () => {
    // Prepare
    const seed = testSeed();
    const random = seededRandom(seed);
    const topic = uniqueName('acknowledged');
    const topology = topologyClient(broker.bootstrap, topic);
    await topology.create(1);
    const gate = quiescence();
    const written: Written[] = [];
    const violations: string[] = [];
    /** Answers by status and error code; failed records of 207 answers by theirs. */
    const statuses = new Map<string, number>();
    const recordFailures = new Map<string, number>();
    const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    let incarnation = 0;
    let running = true;

    const worker = async (id: number) => {
      const api = produceHandler(broker.bootstrap, {
        PRODUCE_TIMEOUT_MS: '4000',
        KAFKA_REQUEST_TIMEOUT_MS: '3000',
      });
      const own = seededRandom(seed + id + 1);
      while (running) {
        const { records, body } = randomRequest(own, topology.partitions);
        await gate.run(async () => {
          const started = Date.now();
          const answer = await api.produce(topic, body);
          const lowest = topology.lowestCount(started, Date.now());
          const outcome = `${answer.status} ${answer.body?.error?.code ?? ''}`.trim();
          count(statuses, outcome);
          const entries: {
            partition: number;
            offset?: string | null;
            error?: { code: string; status: number };
          }[] = answer.status === 200 || answer.status === 207 ? answer.body.records : [];
          const failures = entries.flatMap(({ error }) => (error ? [error] : []));
          if (answer.status !== 200 && answer.status !== 207)
            failures.push({ status: answer.status, code: answer.body?.error?.code });
          for (const { status, code } of failures) {
            if (!expectedFailure(status, code)) violations.push(`unexpected ${status} ${code}`);
            if (answer.status === 207) count(recordFailures, `${status} ${code}`);
          }
          if (answer.status >= 503 && answer.headers['retry-after'] === undefined) {
            violations.push(`${outcome} without Retry-After`);
          }
          // A partition is refused only when the topic may have lacked it while the request ran.
          if (answer.body?.error?.code === 'PARTITION_NOT_FOUND') {
            const highest = Math.max(-1, ...records.map((record) => record.partition ?? -1));
            if (highest < lowest)
              violations.push(`400 for partitions < ${highest + 1}; the topic had ${lowest}+`);
          }
          entries.forEach((entry, i) => {
            const record = records[i] as SentRecord;
            if (entry.error?.code === 'PARTITION_NOT_FOUND' && (record.partition ?? -1) < lowest)
              violations.push(`partition ${record.partition} refused in a 207; the topic had ${lowest}+`);
            if (entry.error) return;
            if (typeof entry.offset !== 'string') {
              violations.push(
                `${answer.status} with offset ${entry.offset}: a write without the broker's word`,
              );
              return;
            }
            written.push({ record, partition: entry.partition, offset: entry.offset, incarnation });
          });
        });
      }
      await api.connection.close();
    };

    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const jitter = (ms: number) => ms + random.int(1000);
    const snapshots: Map<string, PeerRecord>[] = [];
    /** No request in flight: snapshot this incarnation, delete it; requests go on while it is recreated. */
    const recreate = async (partitions: number) => {
      await gate.close();
      snapshots.push(await topology.snapshot());
      await topology.remove();
      incarnation++;
      gate.open();
      await pause(jitter(500));
      await topology.create(partitions);
    };

    // Act
    const workers = Array.from({ length: WORKERS }, (_, id) => worker(id));
    try {
      await pause(jitter(3000));
      await topology.grow(3);
      await pause(jitter(2000));
      await pauseProcess(broker.pid, 4500 + random.int(1500));
      await pause(jitter(2000));
      await topology.grow(4);
      await pause(jitter(2000));
      await recreate(2);
      await pause(jitter(3000));
      await topology.grow(3);
      await pause(jitter(1000));
      await pauseProcess(broker.pid, 4500 + random.int(1500));
      await pause(jitter(2000));
      await recreate(MAX_PARTITIONS);
      await pause(jitter(4000));
    } finally {
      running = false;
      await Promise.all(workers);
    }
    snapshots.push(await topology.snapshot());

    // Assess
    const misses = written.flatMap(({ record, partition, offset, incarnation: which }) => {
      const why = mismatch(record, snapshots[which]?.get(`${partition}:${offset}`));
      return why ? [`incarnation ${which}, ${partition}@${offset}: ${why}`] : [];
    });
    const summary = `seed ${seed}: ${written.length} records acknowledged; answers ${JSON.stringify(Object.fromEntries(statuses))}; failed records in 207s ${JSON.stringify(Object.fromEntries(recordFailures))}`;
    console.info(`acknowledged ⇒ readable, ${summary}`);
    expect(violations, summary).toEqual([]);
    expect(misses, summary).toEqual([]);
    expect(written.length, summary).toBeGreaterThan(300);
    expect(
      [...statuses.keys(), ...recordFailures.keys()].some((status) => status.startsWith('50')),
      summary,
    ).toBe(true);
  }, 150_000);
});
