/**
 * Conformance peers we did not write: kcat (librdkafka), kafka-python (PyPI, see python-tools.ts) and the
 * Apache Kafka CLI tools from the Maven jars. They keep our bytes, partitions and timestamps honest.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installKafka, repositoryRoot } from '../../infra/kafka/broker.js';
import { pythonTool } from './python-tools.js';

const run = promisify(execFile);
const KAFKA_PYTHON = 'kafka-python==3.0.12';
/** confluent-kafka with its schema registry serdes' dependencies, in one venv for every test that uses it. */
export const CONFLUENT_KAFKA = 'confluent-kafka[avro,json,protobuf]==2.16.1';

export interface PeerRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

/** Every record of `topic` as kafka-python sees it, in partition then offset order. */
export async function readWithKafkaPython(
  bootstrap: string,
  topic: string,
  expected: number,
  timeoutSeconds = 30,
): Promise<PeerRecord[]> {
  const bin = await pythonTool('kafka-python', KAFKA_PYTHON);
  const { stdout } = await run(
    join(bin, 'python'),
    [
      join(repositoryRoot, 'test', 'support', 'peers', 'consume.py'),
      bootstrap,
      topic,
      String(expected),
      String(timeoutSeconds),
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PeerRecord)
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * The value of the record at `partition` and `offset`, read by kcat (librdkafka) as raw bytes; undefined
 * when the partition has no record there.
 */
export async function readAtWithKcat(
  bootstrap: string,
  topic: string,
  partition: number,
  offset: string,
): Promise<Buffer | undefined> {
  const { stdout } = await run(
    'kcat',
    [
      '-C',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-p',
      String(partition),
      '-o',
      offset,
      '-c',
      '1',
      '-e',
      '-q',
      '-f',
      '%o:%s',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const prefix = `${offset}:`;
  return stdout.subarray(0, prefix.length).toString() === prefix ? stdout.subarray(prefix.length) : undefined;
}

/** Produces `key\tvalue` lines with Apache Kafka's own console producer (the Java client). */
export async function produceWithJavaClient(
  bootstrap: string,
  topic: string,
  lines: string[],
): Promise<void> {
  const { libs } = await installKafka();
  const child = execFile('java', [
    '-cp',
    join(libs, '*'),
    'org.apache.kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--property',
    'parse.key=true',
    '--property',
    'key.separator=\t',
  ]);
  const exited = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ConsoleProducer exited ${code}`)),
    ),
  );
  child.stdin?.end(`${lines.join('\n')}\n`);
  await exited;
}

/**
 * Values in a schema registry's wire format as Python confluent-kafka's deserializers read them, each with
 * its schema from the registry at `url`: JSON of what the deserializer returned (Protobuf: `{type, value}`,
 * the message's full name and canonical JSON).
 */
export async function deserializeWithConfluentPython(
  url: string,
  topic: string,
  format: 'avro' | 'jsonschema' | 'protobuf',
  values: Buffer[],
): Promise<unknown[]> {
  const stdout = await confluentPython('schema_deserialize.py', [
    url,
    topic,
    format,
    JSON.stringify(values.map((value) => value.toString('hex'))),
  ]);
  return JSON.parse(stdout) as unknown[];
}

/** Runs a peer script of test/support/peers with confluent-kafka's venv; resolves with its stdout. */
async function confluentPython(script: string, args: string[]): Promise<string> {
  const bin = await pythonTool('confluent-kafka', CONFLUENT_KAFKA);
  const { stdout } = await run(
    join(bin, 'python'),
    [join(repositoryRoot, 'test', 'support', 'peers', script), ...args],
    { timeout: 120_000 },
  );
  return stdout;
}

/**
 * Writes `records` to `topic` with Python confluent-kafka's Producer and AvroSerializer (the subject's latest
 * schema in the registry at `url`); resolves with how many the broker acknowledged.
 */
export async function produceAvroWithConfluentPython(
  bootstrap: string,
  url: string,
  topic: string,
  records: { key: string; value: unknown }[],
): Promise<number> {
  return Number(
    (await confluentPython('schema_produce.py', [bootstrap, url, topic, JSON.stringify(records)])).trim(),
  );
}
