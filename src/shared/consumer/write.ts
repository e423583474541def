/**
 * The write phase of a consumer invocation: outputs to every sink (the output topic first), then dead
 * letters. An output the broker refuses as such makes its sources poison; any other unwritten output fails
 * its sources transiently. Dead letters are written only for poison before each partition's first transient
 * failure (the records after it come again), and a dead letter not written is a transient failure itself:
 * a poison record is never dropped.
 */
import { BatchFailedError, ServiceError } from '../errors.js';
import { isRecordRefusal } from '../kafka/errors.js';
import type { RecordWriter } from '../kafka/writer.js';
import { logger } from '../logger.js';
import type { Coordinates, RawRecord } from './decode.js';
import { partitionName } from './event.js';
import type { Failure, HandledPartition } from './handle.js';
import { deadLetterRecord, deadLetterTopic, type Output, outgoingOutput, type Sink } from './output.js';

/** What the write phase did, and every failure of the invocation so far. */
export interface WriteOutcome {
  outputs: number;
  deadLettered: number;
  poison: Failure[];
  failures: Failure[];
}

/** The output topic as a sink: every output written with acks `all`. */
export function kafkaSink(writer: RecordWriter, topic: string): Sink {
  return {
    name: `kafka:${topic}`,
    async write(outputs, deadline) {
      const results = await writer.write(topic, outputs.map(outgoingOutput), {
        acks: 'all',
        compression: 'none',
        deadline,
      });
      return results.map((result) => (result.ok ? undefined : result.error));
    },
  };
}

/** A sink that throws (e.g. its topic is unknown) fails every output it was given. */
async function writeSink(sink: Sink, outputs: readonly Output[], deadline: number) {
  if (outputs.length === 0) return [];
  try {
    return await sink.write(outputs, deadline);
  } catch (error) {
    const failure =
      error instanceof ServiceError ? error : new BatchFailedError(`${sink.name} failed`, { cause: error });
    logger.warn('sink failed', { sink: sink.name, code: failure.code, error: failure.message });
    return outputs.map(() => failure);
  }
}

const coordinatesKey = (record: Coordinates) =>
  `${partitionName(record.topic, record.partition)}@${record.offset}`;

/** Per partition name, the lowest offset that failed transiently. */
export function firstFailedOffsets(failures: readonly Failure[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const { record } of failures) {
    const name = partitionName(record.topic, record.partition);
    first.set(name, Math.min(first.get(name) ?? Number.POSITIVE_INFINITY, record.offset));
  }
  return first;
}

function isBefore(record: Coordinates, firstFailed: Map<string, number>): boolean {
  return (
    record.offset <
    (firstFailed.get(partitionName(record.topic, record.partition)) ?? Number.POSITIVE_INFINITY)
  );
}

/**
 * Writes the handled partitions' outputs to `sinks` and the due dead letters with `writer`, all before
 * `deadline` (epoch ms). Dead letters wait when a transient failure will make Lambda retry the whole batch
 * (`reportBatchItemFailures` off). Never throws.
 *
 * @example
 * const outcome = await writeBatch({ writer, sinks: [kafkaSink(writer, 'out')], handled,
 *   reportBatchItemFailures: true, functionName: 'events', deadline: Date.now() + 10_000 });
 */
export async function writeBatch(input: {
  writer: RecordWriter;
  sinks: readonly Sink[];
  handled: readonly HandledPartition[];
  reportBatchItemFailures: boolean;
  functionName: string;
  deadline: number;
}): Promise<WriteOutcome> {
  const { handled, deadline } = input;
  const outputs = handled.flatMap((partition) => partition.outputs);
  const poison = handled.flatMap((partition) => partition.poison);
  const failures = handled.flatMap((partition) => partition.failures);

  const written = await Promise.all(input.sinks.map((sink) => writeSink(sink, outputs, deadline)));
  for (const [index, output] of outputs.entries()) {
    for (const result of written) {
      const error = result[index];
      if (!error) continue;
      for (const source of output.sources)
        (isRecordRefusal(error) ? poison : failures).push({ record: source, error });
    }
  }

  let deadLettered = 0;
  if (input.reportBatchItemFailures || failures.length === 0) {
    // Records at or after a partition's first failure come again: their dead letters wait until then.
    const firstFailed = firstFailedOffsets(failures);
    const raw = new Map<string, RawRecord>();
    for (const partition of handled)
      for (const record of partition.raw) raw.set(coordinatesKey(record), record);
    const due = [...new Map(poison.map((letter) => [coordinatesKey(letter.record), letter])).values()].filter(
      ({ record }) => isBefore(record, firstFailed),
    );
    const deadLetterFailures = await writeDeadLetters(
      input.writer,
      due.map(({ record, error }) => ({ raw: raw.get(coordinatesKey(record)), error })),
      input.functionName,
      deadline,
    );
    failures.push(...deadLetterFailures);
    deadLettered = due.length - deadLetterFailures.length;
  }
  return { outputs: outputs.length, deadLettered, poison, failures };
}

async function writeDeadLetters(
  writer: RecordWriter,
  letters: { raw: RawRecord | undefined; error: ServiceError }[],
  functionName: string,
  deadline: number,
): Promise<Failure[]> {
  const byTopic = new Map<string, { raw: RawRecord; error: ServiceError }[]>();
  for (const { raw, error } of letters) {
    if (!raw) continue;
    const list = byTopic.get(deadLetterTopic(raw.topic)) ?? [];
    list.push({ raw, error });
    byTopic.set(deadLetterTopic(raw.topic), list);
  }
  const now = Date.now();
  const failed: Failure[] = [];
  await Promise.all(
    [...byTopic].map(async ([topic, list]) => {
      let results: (ServiceError | undefined)[];
      try {
        const written = await writer.write(
          topic,
          list.map(({ raw, error }) => deadLetterRecord(raw, error, functionName, now)),
          { acks: 'all', compression: 'none', deadline },
        );
        results = written.map((result) => (result.ok ? undefined : result.error));
      } catch (error) {
        const failure =
          error instanceof ServiceError
            ? error
            : new BatchFailedError('dead letter failed', { cause: error });
        results = list.map(() => failure);
      }
      // A dead letter not written is retried like any transient failure: a poison record is never dropped.
      results.forEach((error, i) => {
        const letter = list[i];
        if (error && letter) failed.push({ record: letter.raw, error });
      });
    }),
  );
  return failed;
}
