/**
 * Peers we did not write, for the integration tests: kafka-python (PyPI, see python-tools.ts) reads back
 * and produces. They keep our bytes, partitions and timestamps honest. (kcat and Apache Kafka's own tools
 * are peers of the conformance suite, test/conformance/cli, which needs them installed.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '../../infra/kafka/broker.js';
import { pythonTool } from './python-tools.js';

const run = promisify(execFile);
const KAFKA_PYTHON = 'kafka-python==3.0.12';
/** confluent-kafka with its schema registry serdes' dependencies, in one venv for every test that uses it. */
export const CONFLUENT_KAFKA = 'confluent-kafka[avro,json,protobuf]==2.16.1';
const PYTHON_PEERS = { 'kafka-python': KAFKA_PYTHON, 'confluent-kafka': CONFLUENT_KAFKA };

/**
 * Runs the Python script `script` (a path below the repository root) with `args` in the venv of `peer`;
 * resolves with its stdout, rejects when it exits non-zero or outlives `timeout` (ms, default 120 000).
 */
export async function runPythonPeer(
  peer: keyof typeof PYTHON_PEERS,
  script: string[],
  args: string[],
  options: { timeout?: number; maxBuffer?: number } = {},
): Promise<string> {
  const bin = await pythonTool(peer, PYTHON_PEERS[peer]);
  const { stdout } = await run(join(bin, 'python'), [join(repositoryRoot, ...script), ...args], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  return stdout;
}

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
  const stdout = await runPythonPeer(
    'kafka-python',
    ['test', 'support', 'peers', 'consume.py'],
    [bootstrap, topic, String(expected), String(timeoutSeconds)],
    { timeout: 0, maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PeerRecord)
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * Produces `records` (UTF-8 keys and values) with kafka-python, whose default partitioner hashes keys with
 * murmur2 as the Java client does; resolves with where each landed, in order, once every record was
 * acknowledged (acks=all).
 */
export async function produceWithKafkaPython(
  bootstrap: string,
  topic: string,
  records: { key: string | null; value: string }[],
): Promise<{ partition: number; offset: number }[]> {
  const bin = await pythonTool('kafka-python', KAFKA_PYTHON);
  const child = execFile(
    join(bin, 'python'),
    [join(repositoryRoot, 'test', 'support', 'peers', 'produce.py'), bootstrap, topic],
    { maxBuffer: 64 * 1024 * 1024, timeout: 90_000 },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(JSON.stringify(records));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`produce.py exited ${code}:\n${stderr}`);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { partition: number; offset: number });
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
function confluentPython(script: string, args: string[]): Promise<string> {
  return runPythonPeer('confluent-kafka', ['test', 'support', 'peers', script], args);
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
