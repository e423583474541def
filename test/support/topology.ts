/**
 * Changes to a topic's topology made by another client (a plain kafkajs admin, not the service's
 * connection), each complete only once the broker's metadata shows it; snapshots of a topic read by
 * kafka-python; a seeded random source. For the "acknowledged ⇒ readable" tests.
 */
import { Kafka, logLevel } from 'kafkajs';
import { vi } from 'vitest';
import { type PeerRecord, readWithKafkaPython } from './peers.js';

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [0, n). */
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
export type Random = ReturnType<typeof seededRandom>;

/** The seed of this run: TEST_SEED when set, else a fresh one (the test prints it). */
export function testSeed(): number {
  return Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/**
 * Another client's view of one topic, with a history of its partition count: `history` holds, in time
 * order, the counts the topic may have had from each moment on (0: absent). While a change runs both the
 * old and the new count are possible, so a change adds its lower count when it starts, the new one when the
 * broker's metadata shows it.
 */
export function topologyClient(bootstrap: string, topic: string) {
  const kafka = new Kafka({
    clientId: 'topology-changes',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const history: { at: number; count: number }[] = [];
  let count = 0;

  // A fresh admin per change: kafkajs keeps every topic it has seen in its later metadata requests.
  async function withAdmin<T>(use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }
  const partitionsNow = () =>
    withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      return partitions.every((p) => p.leader >= 0) ? partitions.length : -1;
    });
  async function change(next: number, run: () => Promise<unknown>) {
    history.push({ at: Date.now(), count: Math.min(count, next) });
    await run();
    await vi.waitFor(
      async () => {
        const shown =
          next === 0
            ? !(await withAdmin((a) => a.listTopics())).includes(topic)
            : (await partitionsNow()) === next;
        if (!shown) throw new Error(`${topic} does not have ${next} partition(s) yet`);
      },
      { timeout: 30_000, interval: 50 },
    );
    count = next;
    history.push({ at: Date.now(), count });
  }

  return {
    history,
    get partitions() {
      return count;
    },
    create: (partitions: number, configs: Record<string, string> = {}) =>
      change(partitions, () =>
        withAdmin((admin) =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic,
                numPartitions: partitions,
                configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
              },
            ],
          }),
        ),
      ),
    grow: (partitions: number) =>
      change(partitions, () =>
        withAdmin((admin) => admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] })),
      ),
    remove: () => change(0, () => withAdmin((admin) => admin.deleteTopics({ topics: [topic] }))),
    /** The lowest partition count the topic may have had at any moment in [from, to]. */
    lowestCount(from: number, to: number): number {
      let lowest = Number.POSITIVE_INFINITY;
      let inEffect = 0;
      for (const { at, count: then } of history) {
        if (at <= from) inEffect = then;
        else if (at <= to) lowest = Math.min(lowest, then);
      }
      return Math.min(lowest, inEffect);
    },
    /** Every record of the topic as kafka-python reads it, by `partition:offset`. */
    async snapshot(): Promise<Map<string, PeerRecord>> {
      const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
      const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      const records = await readWithKafkaPython(bootstrap, topic, total, 60);
      if (records.length !== total)
        throw new Error(`kafka-python read ${records.length} of ${total} records`);
      return new Map(records.map((record) => [`${record.partition}:${record.offset}`, record]));
    },
  };
}

/** Pauses a process (SIGSTOP) for `ms`, then resumes it (SIGCONT), whatever happens meanwhile. */
export async function pauseProcess(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}
