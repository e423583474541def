/**
 * The optional S3 archive of the logs function: each batch's entries as gzip NDJSON objects, one per day,
 * service and source partition, under `<prefix>date=YYYY-MM-DD/service=<service>/` (Hive-style, so Athena
 * and Glue read the prefix as partitions).
 *
 * The object name ends with the source partition and the first offset it holds, so a replay of the same
 * batch overwrites the same object. A replay with other batch boundaries writes overlapping objects: every
 * line carries its `source` coordinates, by which readers dedupe (docs/consumers.md).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Output, Sink } from '../consumer/output.js';
import { DownstreamUnavailableError, type ServiceError } from '../errors.js';
import type { LogEntry } from './parse.js';

const gzipped = promisify(gzip);

export interface ArchiveOptions {
  s3: S3Client;
  bucket: string;
  /** Ends with `/` unless empty. */
  prefix: string;
}

/** The object key of an archived group. */
function archiveKey(prefix: string, date: string, service: string, output: Output): string {
  const { topic, partition, offset } = output.origin;
  return `${prefix}date=${date}/service=${encodeURIComponent(service)}/${topic}-${partition}-${offset}.ndjson.gz`;
}

/** A {@link Sink} writing the logs function's outputs (values are {@link LogEntry}) to S3. */
export function archiveSink(options: ArchiveOptions): Sink {
  return {
    name: `s3://${options.bucket}/${options.prefix}`,
    async write(outputs, deadline) {
      const groups = new Map<string, number[]>();
      outputs.forEach((output, index) => {
        const group = groupOf(output.value as LogEntry, output);
        groups.set(group, [...(groups.get(group) ?? []), index]);
      });
      const results: (ServiceError | undefined)[] = outputs.map(() => undefined);
      await Promise.all(
        [...groups.values()].map(async (indexes) => {
          const members = indexes.map((index) => outputs[index] as Output);
          const [first] = members;
          if (!first) return;
          const entry = first.value as LogEntry;
          const key = archiveKey(options.prefix, entry.time.slice(0, 10), entry.service, first);
          const lines = members.map((output) =>
            JSON.stringify({ ...(output.value as LogEntry), source: output.origin }),
          );
          try {
            await options.s3.send(
              new PutObjectCommand({
                Bucket: options.bucket,
                Key: key,
                Body: await gzipped(`${lines.join('\n')}\n`),
                ContentType: 'application/x-ndjson',
                ContentEncoding: 'gzip',
              }),
              { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) },
            );
          } catch (cause) {
            // Every S3 failure is retried (a missing bucket or permission is fixed by an operator, not by
            // dead-lettering the logs).
            const error = new DownstreamUnavailableError(
              `archive write of ${key} failed: ${(cause as Error).name}`,
              { cause },
            );
            for (const index of indexes) results[index] = error;
          }
        }),
      );
      return results;
    },
  };
}

function groupOf(entry: LogEntry, output: Output): string {
  return JSON.stringify([
    entry.time.slice(0, 10),
    entry.service,
    output.origin.topic,
    output.origin.partition,
  ]);
}
