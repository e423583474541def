/**
 * Command-line peers for the conformance scenarios: kcat (librdkafka; a Debian package) and Apache Kafka's
 * own tools run from the Maven jars (Java). Neither is on a machine with only Node, so npm test leaves these
 * scenarios out; npm run test:conformance and npm run test:kafka (and CI) run them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { installKafka, repositoryRoot } from '../../../infra/kafka/broker.js';

/** Runs kcat with `args`, feeding `input` on stdin; resolves with its stdout. */
export function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kcat',
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/**
 * Runs one of Apache Kafka's command-line tools (`kafka-topics` and the rest are shell wrappers around
 * these classes) with `args`, feeding `input` on stdin. Resolves with stdout; rejects with stderr.
 */
export async function kafkaTool(mainClass: string, args: string[], input?: string): Promise<string> {
  const { libs } = await installKafka();
  return new Promise((resolve, reject) => {
    const child = execFile(
      'java',
      [
        `-Dlog4j2.configurationFile=${join(repositoryRoot, 'infra', 'kafka', 'log4j2.yaml')}`,
        '-cp',
        join(libs, '*'),
        mainClass,
        ...args,
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`${mainClass} ${args.join(' ')} failed (${error.message}):\n${stdout}\n${stderr}`),
          );
        else resolve(stdout);
      },
    );
    child.stdin?.end(input ?? '');
  });
}

export const tools = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  configs: 'kafka.admin.ConfigCommand',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
} as const;
