/**
 * Consumer integration harness: topics of given names (a function's DLQ is `<input>.dlq`), inputs written
 * through src/shared/kafka, the Lambda event built from what kafka-python reads back (real coordinates and
 * bytes), handlers invoked in-process, and a local S3-compatible server (s3rver) run as a real process.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { freePort, repositoryRoot } from '../../../infra/kafka/broker.js';
import type { KafkaEvent } from '../../../src/shared/consumer/event.js';
import { deadLetterTopic } from '../../../src/shared/consumer/output.js';
import { KafkaAdmin } from '../../../src/shared/kafka/admin.js';
import { KafkaRecordWriter, type OutgoingRecord } from '../../../src/shared/kafka/writer.js';
import { afterFile } from '../../support/cleanup.js';
import { createTopics, deleteTopics, testConnection, uniqueName } from '../../support/kafka.js';
import { fromPeerRecords, mskEvent, selfManagedEvent } from '../../support/kafka-events.js';
import { readWithKafkaPython } from '../../support/peers.js';

/** An input topic, its `.dlq` and an output topic, deleted after the file's tests. */
export async function consumerTopics(bootstrap: string, prefix: string, partitions = 3) {
  const input = uniqueName(prefix);
  const names = { input, dlq: deadLetterTopic(input), output: `${input}.out` };
  await createTopics(
    bootstrap,
    Object.values(names).map((name) => ({ name, partitions })),
  );
  afterFile(() => deleteTopics(bootstrap, Object.values(names)));
  return names;
}

export interface Input {
  key?: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  timestamp?: number;
}

/** Writes inputs through KafkaRecordWriter (src/shared/kafka), failing the test if any is not written. */
export async function produceInputs(
  writer: KafkaRecordWriter,
  topic: string,
  inputs: Input[],
): Promise<void> {
  const records: OutgoingRecord[] = inputs.map((input) => ({
    key: input.key === undefined || input.key === null ? null : Buffer.from(input.key),
    value: input.value === null ? null : Buffer.from(input.value),
    headers: Object.fromEntries(
      Object.entries(input.headers ?? {}).map(([name, value]) => [name, [Buffer.from(value)]]),
    ),
    partition: input.partition,
    timestamp: input.timestamp ?? Date.now(),
  }));
  const results = await writer.write(topic, records, {
    acks: 'all',
    compression: 'none',
    deadline: Date.now() + 30_000,
  });
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) throw new Error(`inputs not written: ${JSON.stringify(failed)}`);
}

/** The event Lambda would send for everything on `topic`, read back by kafka-python. */
export async function eventFromTopic(
  bootstrap: string,
  topic: string,
  count: number,
  kind: 'msk' | 'self-managed' = 'msk',
): Promise<KafkaEvent> {
  const records = fromPeerRecords(topic, await readWithKafkaPython(bootstrap, topic, count));
  return kind === 'msk' ? mskEvent({ records }) : selfManagedEvent({ records });
}

/** A writer for the test broker. */
export function testWriter(bootstrap: string): KafkaRecordWriter {
  return new KafkaRecordWriter(testConnection(bootstrap), new KafkaAdmin(testConnection(bootstrap)));
}

/** s3rver (npm) as a real process on a free port, with `bucket` created; stopped after the file's tests. */
export async function startS3rver(bucket: string): Promise<{ endpoint: string; directory: string }> {
  const port = await freePort();
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(repositoryRoot, 'node_modules', 's3rver', 'bin', 's3rver.js'),
      '--directory',
      directory,
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--configure-bucket',
      bucket,
      '--allow-mismatched-signatures',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  afterFile(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(directory, { recursive: true, force: true });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`s3rver exited ${child.exitCode}: ${output}`);
      await fetch(endpoint);
    },
    { timeout: 10_000, interval: 100 },
  );
  return { endpoint, directory };
}
