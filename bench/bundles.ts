/**
 * Bundle sizes and cold start: `serverless package --stage dev` (no credentials), then for each function
 * a fresh Node process imports the bundle and makes a first handler call (an HTTP request, or a one-record
 * Kafka event for a consumer) with the Kafka client pointed at a local broker. Reported: zipped and unzipped size, module-load time and first-call time
 * (medians of several fresh processes). Node 20 here; Lambda runs nodejs24.x on arm64.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTopics } from '../infra/local/topics.js';
import { CONSUMER_TOPICS, SERVICE_TOPICS } from '../src/shared/topics.js';
import { packageService } from '../test/deploy/support/package.js';
import { median, table } from './stats.js';

const run = promisify(execFile);

/** A first request per HTTP function, in the shape API Gateway sends. */
const httpCalls: Record<
  string,
  { routeKey: string; path: string; body?: unknown; pathParameters?: Record<string, string> }
> = {
  produce: {
    routeKey: 'POST /v1/topics/{topic}/records',
    path: '/v1/topics/events/records',
    pathParameters: { topic: 'events' },
    body: { records: [{ value: { cold: true } }] },
  },
  health: { routeKey: 'GET /v1/health', path: '/v1/health' },
  openapi: { routeKey: 'GET /v1/openapi.json', path: '/v1/openapi.json' },
  admin: { routeKey: 'GET /v1/cluster', path: '/v1/cluster' },
};

/** A first value per consumer function, on its input topic (src/shared/topics.ts). */
const consumerValues: Record<keyof typeof CONSUMER_TOPICS, unknown> = {
  events: {
    type: 'click',
    id: 'cold-1',
    occurredAt: '2026-01-01T00:00:00Z',
    attributes: { sessionId: 's-1', userId: 'u-1', page: '/home' },
  },
  logs: '2026-01-01T00:00:00Z INFO checkout started',
  metrics: { name: 'latency_ms', value: 42, time: '2026-01-01T00:00:00Z', tags: { route: '/home' } },
  // As the mapping delivers an Avro record in JSON format.
  orders: {
    id: 'o-cold',
    customerId: 'c-1',
    items: [{ sku: 'sku-1', quantity: 1, unitPriceCents: 100 }],
    totalCents: 100,
    currency: 'EUR',
    placedAt: Date.parse('2026-01-01T00:00:00Z'),
    note: null,
  },
};

/** The first invocation of each function: an API Gateway request, or a one-record MSK event. */
function firstEvent(name: string): unknown {
  const http = httpCalls[name];
  if (http) {
    const [method] = http.routeKey.split(' ');
    return {
      version: '2.0',
      routeKey: http.routeKey,
      rawPath: http.path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      pathParameters: http.pathParameters,
      body: http.body === undefined ? undefined : JSON.stringify(http.body),
      isBase64Encoded: false,
      requestContext: { requestId: 'cold', http: { method, path: http.path } },
    };
  }
  if (!(name in consumerValues)) return undefined;
  const topic = CONSUMER_TOPICS[name as keyof typeof CONSUMER_TOPICS].input.name;
  const value = consumerValues[name as keyof typeof CONSUMER_TOPICS];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:eu-west-1:123456789012:cluster/bench/00000000-0000-0000-0000-000000000000-1',
    bootstrapServers: 'localhost:9092',
    records: {
      [`${topic}-0`]: [
        {
          topic,
          partition: 0,
          offset: 0,
          timestamp: Date.parse('2026-01-01T00:00:00Z'),
          timestampType: 'CREATE_TIME',
          key: Buffer.from('cold').toString('base64'),
          value: Buffer.from(text).toString('base64'),
          headers: [],
        },
      ],
    },
  };
}

/**
 * Runs in the fresh process: import, then one call; prints the two durations and the outcome (the HTTP
 * status, or for a consumer `ok` or its failed records).
 */
const probe = `
const [file, event] = [process.argv[1], JSON.parse(process.argv[2])];
const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const [started, startedCpu] = [performance.now(), cpu()];
const { handler } = await import(file);
const [loaded, loadedCpu] = [performance.now(), cpu()];
const response = await handler(event, { awsRequestId: 'cold', functionName: 'cold', getRemainingTimeInMillis: () => 60000 });
const called = performance.now();
const outcome = response?.statusCode ?? (response?.batchItemFailures?.length ? response.batchItemFailures.length + ' failed' : 'ok');
process.stderr.write(JSON.stringify({ outcome: String(outcome), loadMs: loaded - started, loadCpuMs: loadedCpu - startedCpu, firstCallMs: called - loaded }) + '\\n');
process.exit(0);
`;

export interface BundleFigures {
  name: string;
  zipBytes: number;
  unzippedBytes: number;
  loadMs: number;
  /** CPU time (user + system) of the module load: steadier than wall time on a busy machine. */
  loadCpuMs: number;
  firstCallMs: number;
  /** The HTTP status of the first call, or for a consumer `ok` or its failed records. */
  outcome: string;
}

export async function measureBundles(bootstrap: string, runs = 5): Promise<BundleFigures[]> {
  await ensureTopics(bootstrap, SERVICE_TOPICS);
  const packaged = await packageService('dev');
  const folder = await mkdtemp(join(tmpdir(), 'bundles-'));
  const figures: BundleFigures[] = [];
  for (const [name, zipBytes] of Object.entries(packaged.zipBytes)) {
    const event = firstEvent(name);
    if (event === undefined) continue;
    const target = join(folder, name);
    await run('unzip', ['-q', '-o', join(packaged.folder, `${name}.zip`), '-d', target]);
    const { stdout: du } = await run('du', ['-sb', target]);
    const samples: { outcome: string; loadMs: number; loadCpuMs: number; firstCallMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const { stderr } = await run(
        process.execPath,
        ['--input-type=module', '-e', probe, join(target, 'functions', `${name}.mjs`), JSON.stringify(event)],
        {
          env: {
            PATH: process.env.PATH,
            KAFKA_BROKERS: bootstrap,
            KAFKA_AUTH: 'none',
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            AWS_REGION: 'eu-west-1',
            // A consumer reports a failed record instead of throwing, so the probe can say so.
            REPORT_BATCH_ITEM_FAILURES: 'true',
          },
        },
      );
      const line = stderr.trim().split('\n').pop() ?? '{}';
      samples.push(JSON.parse(line));
    }
    figures.push({
      name,
      zipBytes,
      unzippedBytes: Number(du.split('\t')[0]),
      loadMs: median(samples.map((s) => s.loadMs)),
      loadCpuMs: median(samples.map((s) => s.loadCpuMs)),
      firstCallMs: median(samples.map((s) => s.firstCallMs)),
      outcome: samples[0]?.outcome ?? '',
    });
  }
  return figures;
}

export function bundleTable(figures: BundleFigures[]): string {
  return table(
    [
      'function',
      'zip KB',
      'unzipped KB',
      'module load ms (median)',
      'module load CPU ms (median)',
      'first call ms (median)',
      'first call outcome',
    ],
    figures.map((f) => [
      f.name,
      (f.zipBytes / 1024).toFixed(0),
      (f.unzippedBytes / 1024).toFixed(0),
      f.loadMs.toFixed(1),
      f.loadCpuMs.toFixed(1),
      f.firstCallMs.toFixed(1),
      f.outcome,
    ]),
  );
}
