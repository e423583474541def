/**
 * Peers for the conformance scenarios, each a client we did not write: kcat (librdkafka), kafka-python,
 * and Apache Kafka's own command-line tools run from the Maven jars.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { installKafka, repositoryRoot } from '../../infra/kafka/broker.js';
import { pythonTool } from '../support/python-tools.js';

const run = promisify(execFile);

export function kafkajs(bootstrap: string, clientId = 'conformance'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

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

const KAFKA_PYTHON = 'kafka-python==3.0.12';

/** Runs peers/kafka_python.py `command` with JSON arguments; resolves with its JSON answer. */
export async function kafkaPython<T>(
  bootstrap: string,
  command: string,
  args: Record<string, unknown>,
): Promise<T> {
  const bin = await pythonTool('kafka-python', KAFKA_PYTHON);
  const { stdout } = await run(
    join(bin, 'python'),
    [
      join(repositoryRoot, 'test', 'conformance', 'peers', 'kafka_python.py'),
      bootstrap,
      command,
      JSON.stringify(args),
    ],
    { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
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
