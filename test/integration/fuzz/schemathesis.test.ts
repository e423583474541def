/**
 * The HTTP API as a stranger meets it: schemathesis (PyPI, pinned) generates requests for every operation
 * of the OpenAPI document a running local stack serves, with a fixed seed and a time budget, and fails on
 * any 5xx, any answer outside the documented statuses, content types and schemas, any accepted invalid
 * input and any request that hangs. Destructive operations are aimed at throwaway topics (hooks.py).
 * Afterwards every record it was told was written is read back with kafka-python and compared with what
 * the request carried.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { createTestTopic, testConnection } from '../../support/kafka.js';
import { type RunningOffline, startOffline } from '../../support/offline.js';
import { type PeerRecord, readWithKafkaPython } from '../../support/peers.js';
import { pythonTool } from '../../support/python-tools.js';
import { type Har, producedRecords, statusCounts } from './har.js';

// Hypothesis generates the data: pinned too, so that one seed gives one run.
const SCHEMATHESIS = 'schemathesis==4.32.5 hypothesis==6.170.17';
const SEED = 20261130;
/**
 * schemathesis' own budget: generation stops after it, the run then finishes what is in flight.
 * `FUZZ_SECONDS` shortens it where the same requests already ran for the full budget against the other
 * broker (npm run test:kafka).
 */
const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 150);
if (!Number.isInteger(FUZZ_SECONDS) || FUZZ_SECONDS < 1)
  throw new Error(`FUZZ_SECONDS must be a whole number of seconds; got '${process.env.FUZZ_SECONDS}'`);
/** A request without an answer for this long is a hang: a failure. */
const REQUEST_TIMEOUT_SECONDS = 30;
/** Small enough that the topics the fuzz creates and grows stay cheap for one local broker. */
const MAX_PARTITIONS = 16;

const bootstrap = inject('kafkaBrokers');
const here = join(repositoryRoot, 'test', 'integration', 'fuzz');
const reportDir = join(repositoryRoot, '.cache', 'fuzz-report');

interface FuzzRun {
  exitCode: number;
  output: string;
}

function runSchemathesis(bin: string, url: string, env: NodeJS.ProcessEnv): Promise<FuzzRun> {
  const checks = [
    'not_a_server_error',
    'status_code_conformance',
    'content_type_conformance',
    'response_headers_conformance',
    'response_schema_conformance',
    'negative_data_rejection',
  ];
  const args = [
    '--config-file',
    join(here, 'schemathesis.toml'),
    'run',
    `${url}/v1/openapi.json`,
    '--checks',
    checks.join(','),
    '--seed',
    String(SEED),
    '--max-time',
    String(FUZZ_SECONDS),
    '--request-timeout',
    String(REQUEST_TIMEOUT_SECONDS),
    // One worker: CPython 3.11.7's ast.parse is not thread-safe (hypothesis calls it while generating).
    '--workers',
    '1',
    '--generation-database',
    'none',
    '--report',
    'har',
    '--report-dir',
    reportDir,
    '--no-color',
    '--output-truncate',
    'true',
  ];
  return new Promise((resolve) => {
    execFile(
      join(bin, 'st'),
      args,
      {
        // schemathesis keeps a cache folder in its working directory: not in the repository.
        cwd: reportDir,
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: (FUZZ_SECONDS + 240) * 1000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode: code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function harFile(): Promise<Har> {
  const name = (await readdir(reportDir)).find((file) => file.startsWith('har'));
  if (!name) throw new Error(`schemathesis wrote no HAR file into ${reportDir}`);
  return JSON.parse(await readFile(join(reportDir, name), 'utf8')) as Har;
}

describe('schemathesis against the local stack', () => {
  let offline: RunningOffline;
  let registry: RunningSchemaRegistry;
  let produceTopics: string[];
  let adminTopics: string[];
  let doomedTopics: string[];
  let topicsBefore: Set<string>;

  beforeAll(async () => {
    const admin = await testConnection(bootstrap).admin();
    topicsBefore = new Set(await admin.listTopics());
    // One after the other: kafkajs' waitForLeaders trips over topics created alongside.
    const create = async (prefix: string, count: number, options: Parameters<typeof createTestTopic>[2]) => {
      const names: string[] = [];
      for (let i = 0; i < count; i++) names.push(await createTestTopic(bootstrap, prefix, options));
      return names;
    };
    // Generated CreateTimes go back to 1970: time retention would delete them before the read-back.
    produceTopics = await create('fuzz.produce', 2, { partitions: 3, configs: { 'retention.ms': '-1' } });
    adminTopics = await create('fuzz.admin', 2, { partitions: 1 });
    doomedTopics = await create('fuzz.doomed', 6, { partitions: 1 });
    await rm(reportDir, { recursive: true, force: true });
    await mkdir(reportDir, { recursive: true });
    // A registry of its own, empty: schema-format requests get the registry's answers (404s), never a 503
    // from a registry that is not there, and no record written with a schema escapes the check below.
    registry = await startSchemaRegistry({ port: 0, log: () => {} });
    [offline] = await Promise.all([
      startOffline({
        KAFKA_BROKERS: bootstrap,
        ADMIN_MAX_PARTITIONS: String(MAX_PARTITIONS),
        SCHEMA_REGISTRY_URL: registry.url,
      }),
      pythonTool('schemathesis', SCHEMATHESIS),
    ]);
  });

  afterAll(async () => {
    await offline?.stop();
    await registry?.stop();
    // The topics the fuzz created through the API (the throwaway ones are deleted by createTestTopic).
    const admin = await testConnection(bootstrap).admin();
    const created = (await admin.listTopics()).filter(
      (topic) => !topicsBefore.has(topic) && !topic.startsWith('test.') && !topic.startsWith('__'),
    );
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  it('finds no server error, no undocumented answer and no hang, and every acknowledged record is in Kafka as sent', {
    timeout: (FUZZ_SECONDS + 420) * 1000,
  }, async () => {
    // Act
    const bin = await pythonTool('schemathesis', SCHEMATHESIS);
    const run = await runSchemathesis(bin, offline.url, {
      SCHEMATHESIS_HOOKS: join(here, 'hooks.py'),
      FUZZ_PRODUCE_TOPICS: produceTopics.join(','),
      FUZZ_ADMIN_TOPICS: adminTopics.join(','),
      FUZZ_DOOMED_TOPICS: doomedTopics.join(','),
    });
    const har = await harFile();

    // Assess: the figures, then schemathesis' verdict, then the bytes in Kafka.
    const produced = producedRecords(har, new Set(produceTopics));
    const summary = run.output.match(/=+ (.*) in [\d.]+s =+\s*$/)?.[1] ?? 'no summary';
    console.log(
      `fuzz: ${har.log.entries.length} requests, statuses ${JSON.stringify(statusCounts(har))}, ` +
        `${produced.length} acknowledged records to read back; schemathesis: ${summary}`,
    );
    expect(run.exitCode, run.output.slice(-20_000)).toBe(0);

    const stored = new Map<string, PeerRecord>();
    const admin = await testConnection(bootstrap).admin();
    for (const topic of produceTopics) {
      const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
      for (const record of await readWithKafkaPython(bootstrap, topic, total, 60)) {
        stored.set(`${topic}/${record.partition}/${record.offset}`, record);
      }
    }
    const mismatches = produced.flatMap((expected) => {
      const actual = stored.get(`${expected.topic}/${expected.partition}/${expected.offset}`);
      return expected.differences(actual).map((difference) => `${expected.where}: ${difference}`);
    });
    expect(mismatches, mismatches.slice(0, 20).join('\n')).toEqual([]);
  });
});
