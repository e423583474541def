/**
 * `npm start` as its users treat it: a topic with 1,000 partitions created through the API while produce
 * requests keep flowing (the API answers every request, resident memory stays under the README's bound),
 * then one of its children killed from outside (SIGKILL, SIGABRT): `npm start` says which and how, exits
 * non-zero, and leaves no process behind. Each run has its own ports and broker data folder; the broker is
 * the one LOCAL_BROKER names, as for npm start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { freePort, repositoryRoot } from '../../../infra/kafka/broker.js';
import { localBrokerKind } from '../../../infra/local/broker.js';
import { afterFile } from '../../support/cleanup.js';
import { uniqueName } from '../../support/kafka.js';
import { commandLine, descendants, isAlive, residentBytes } from '../../support/processes.js';

const kind = localBrokerKind();

/** The README's bounds for the local stack with a 1,000-partition topic (resident memory). */
const BOUNDS = {
  /** serverless offline, the functions included (they run in its worker threads). */
  offline: 1024 ** 3,
  /** The esbuild service processes serverless offline builds with (they do not grow with Kafka's work). */
  esbuild: 1024 ** 3,
  /** The embedded broker (its data on disk), or Apache Kafka's JVM (heap at most 768 MiB). */
  broker: kind === 'embedded' ? 512 * 1024 ** 2 : 1.5 * 1024 ** 3,
};
/** How the broker's process is found, how npm start names it, and how it crashes. */
const BROKER =
  kind === 'embedded'
    ? {
        marker: 'src/broker/cli.ts',
        name: (pid: number) => `embedded broker (node, pid ${pid})`,
        // An out-of-memory kill; SIGABRT would leave a core file wherever core dumps are enabled.
        crash: 'SIGKILL' as const,
      }
    : {
        marker: 'kafka.Kafka',
        name: (pid: number) => `Apache Kafka (java, pid ${pid})`,
        crash: 'SIGABRT' as const,
      };
const PARTITIONS = 1000;

interface LocalStack {
  url: string;
  /** The schema registry npm start runs. */
  registryUrl: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** The process of the part whose command line contains `marker`. */
  part(marker: string): number;
  /** Every process of the stack now. */
  processes(): number[];
}

async function npmStart(): Promise<LocalStack> {
  const [httpPort, lambdaPort, kafkaPort, registryPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const dataDir = await mkdtemp(join(tmpdir(), 'npm-start-'));
  const workFolder = `.esbuild-start-${httpPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    LAMBDA_PORT: String(lambdaPort),
    KAFKA_PORT: String(kafkaPort),
    KAFKA_DATA_DIR: dataDir,
    SCHEMA_REGISTRY_PORT: String(registryPort),
    ESBUILD_WORK_FOLDER: workFolder,
  };
  delete env.KAFKA_BROKERS;
  delete env.SCHEMA_REGISTRY_URL;
  const child = spawn('npm', ['start'], {
    cwd: repositoryRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const seen = new Set<number>();
  const processes = () => {
    const now = child.pid === undefined ? [] : [child.pid, ...descendants(child.pid)];
    for (const pid of now) seen.add(pid);
    return now;
  };
  // Whatever happens in the test, nothing of this stack outlives the file.
  afterFile(async () => {
    processes();
    for (const pid of seen) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(join(repositoryRoot, workFolder), { recursive: true, force: true });
  });
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output.slice(-4000)}`);
      if (!output.includes('offline-kafka: ready')) throw new Error('not ready yet');
    },
    { timeout: 240_000, interval: 250 },
  );
  return {
    url: `http://127.0.0.1:${httpPort}`,
    registryUrl: `http://127.0.0.1:${registryPort}`,
    child,
    output: () => output,
    exited,
    processes,
    part(marker) {
      const pid = processes().find((candidate) => commandLine(candidate).includes(marker));
      if (pid === undefined) throw new Error(`no process of npm start runs ${marker}`);
      return pid;
    },
  };
}

async function call(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

const mib = (bytes: number) => Math.round(bytes / 1024 ** 2);
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

/**
 * Ends `stack` by killing the process running `marker` with `signal`, and checks what is left.
 * `name`: how npm start names that part, given its pid.
 */
async function killPart(
  stack: LocalStack,
  marker: string,
  name: (pid: number) => string,
  signal: NodeJS.Signals,
) {
  const everything = stack.processes();
  const victim = stack.part(marker);

  process.kill(victim, signal);
  const code = await stack.exited;

  expect(code).not.toBe(0);
  expect(stack.output()).toContain(`${name(victim)} was killed by ${signal}; stopping the local stack`);
  await vi.waitFor(() => expect(everything.filter(isAlive)).toEqual([]), { timeout: 30_000, interval: 250 });
}

describe('npm start', () => {
  it(`keeps answering while a ${PARTITIONS}-partition topic is created, then ends whole when serverless offline is killed`, {
    timeout: 600_000,
  }, async () => {
    // Prepare: a stack, a topic to produce to, and a sampler of every process's memory.
    const stack = await npmStart();
    const load = uniqueName('start.load');
    expect((await call(`${stack.url}/v1/topics`, 'POST', { name: load, partitions: 3 })).status).toBe(201);
    const offlinePid = stack.part('serverless offline start');
    const brokerPid = stack.part(BROKER.marker);
    // Resident memory by command: serverless offline (the functions are its threads), esbuild's service
    // processes it started, the broker.
    const memory = () => {
      const bytes = { offline: residentBytes(offlinePid), esbuild: 0, broker: residentBytes(brokerPid) };
      for (const pid of descendants(offlinePid)) bytes.esbuild += residentBytes(pid);
      return bytes;
    };
    const before = memory();
    const peak = { ...before };
    const sampler = setInterval(() => {
      const now = memory();
      for (const key of ['offline', 'esbuild', 'broker'] as const) peak[key] = Math.max(peak[key], now[key]);
    }, 250);
    const latencies: number[] = [];
    const failures: string[] = [];
    let producing = true;
    const producer = (async () => {
      for (let n = 0; producing; n++) {
        const answer = await call(`${stack.url}/v1/topics/${load}/records`, 'POST', {
          records: [{ key: `k${n}`, value: { n } }],
        }).catch((error: Error) => ({ status: 0, body: error.message, ms: 0 }));
        if (answer.status === 200) latencies.push(answer.ms);
        else failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      }
    })();

    // Act: the big topic, through the API, while the producer runs. The broker then creates the
    // partitions' logs for a while; until a partition's log is up, a write to it is answered 503 with
    // Retry-After (documented), and the client retries, as this one does.
    const big = uniqueName('start.big');
    const created = await call(`${stack.url}/v1/topics`, 'POST', { name: big, partitions: PARTITIONS });
    const retried = { writes: 0, describes: 0 };
    let lastPartition = await call(`${stack.url}/v1/topics/${big}/records`, 'POST', {
      records: [{ value: 'last', partition: PARTITIONS - 1 }],
    });
    for (; [503, 504].includes(lastPartition.status) && retried.writes < 60; retried.writes++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      lastPartition = await call(`${stack.url}/v1/topics/${big}/records`, 'POST', {
        records: [{ value: 'last', partition: PARTITIONS - 1 }],
      });
    }
    let described = await call(`${stack.url}/v1/topics/${big}`, 'GET');
    for (; described.status === 503 && retried.describes < 60; retried.describes++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      described = await call(`${stack.url}/v1/topics/${big}`, 'GET');
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    producing = false;
    await producer;
    clearInterval(sampler);

    // Assess
    console.log(
      `npm start with a ${PARTITIONS}-partition topic: created (201) in ${Math.round(created.ms)} ms; ` +
        `first write to its last partition after ${retried.writes} retries, describe after ${retried.describes}; ` +
        `${latencies.length} produce requests to another topic meanwhile: p50 ${Math.round(percentile(latencies, 50))} ms, ` +
        `p99 ${Math.round(percentile(latencies, 99))} ms, max ${Math.round(Math.max(...latencies))} ms, ` +
        `${failures.length} not 200; RSS MiB before -> peak: serverless offline ${mib(before.offline)} -> ${mib(peak.offline)}, ` +
        `its esbuild services ${mib(before.esbuild)} -> ${mib(peak.esbuild)}, ${kind} broker ${mib(before.broker)} -> ${mib(peak.broker)}`,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.partitions).toHaveLength(PARTITIONS);
    expect(lastPartition.status, JSON.stringify(lastPartition.body)).toBe(200);
    expect(described.status, JSON.stringify(described.body)).toBe(200);
    expect(described.body.partitions).toHaveLength(PARTITIONS);
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(0);
    expect(peak.offline).toBeLessThan(BOUNDS.offline);
    expect(peak.esbuild).toBeLessThan(BOUNDS.esbuild);
    expect(peak.broker).toBeLessThan(BOUNDS.broker);

    await killPart(stack, 'serverless offline start', (pid) => `serverless offline (pid ${pid})`, 'SIGKILL');
  });

  it(`serves the schema registry with the service's schemas, then ends whole, with a message and a non-zero status, when the broker dies (${BROKER.crash})`, {
    timeout: 300_000,
  }, async () => {
    const stack = await npmStart();
    // The README's example: an order produced with the orders-value Avro schema of schemas/.
    const subjects = await fetch(`${stack.registryUrl}/subjects`).then((response) => response.json());
    const order = await call(`${stack.url}/v1/topics/orders/records`, 'POST', {
      valueFormat: 'avro',
      records: [
        {
          key: 'o-1001',
          value: { id: 'o-1001', customerId: 'c-42', items: [], totalCents: 0, placedAt: 1_767_225_600_000 },
        },
      ],
    });
    expect(subjects).toContain('orders-value');
    expect(order.status).toBe(200);

    await killPart(stack, BROKER.marker, BROKER.name, BROKER.crash);
  });
  it('stops whole with status 0 when npm itself gets SIGTERM (as timeout, CI and process managers send it)', {
    timeout: 300_000,
  }, async () => {
    const stack = await npmStart();
    const everything = stack.processes();

    // npm relays SIGTERM to its script's process: node itself, as the start script execs it.
    stack.child.kill('SIGTERM');

    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain('SIGTERM received; stopping the local stack');
    await vi.waitFor(() => expect(everything.filter(isAlive)).toEqual([]), {
      timeout: 30_000,
      interval: 250,
    });
  });
});
