/**
 * Bundle sizes and cold start: `serverless package --stage dev` (no credentials), then for each HTTP
 * function a fresh Node process imports the bundle and makes a first handler call with the Kafka client
 * pointed at a local broker. Reported: zipped and unzipped size, module-load time and first-call time
 * (medians of several fresh processes). Node 20 here; Lambda runs nodejs24.x on arm64.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTopics } from '../infra/local/topics.js';
import { SERVICE_TOPICS } from '../src/shared/topics.js';
import { packageService } from '../test/deploy/support/package.js';
import { median, table } from './stats.js';

const run = promisify(execFile);

/** A first request per function, in the shape API Gateway sends. */
const firstCalls: Record<
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

/** Runs in the fresh process: import, then one call; prints the two durations. */
const probe = `
const [file, request] = [process.argv[1], JSON.parse(process.argv[2])];
const started = performance.now();
const { handler } = await import(file);
const loaded = performance.now();
const [method] = request.routeKey.split(' ');
const response = await handler({
  version: '2.0', routeKey: request.routeKey, rawPath: request.path, rawQueryString: '',
  headers: { 'content-type': 'application/json' }, pathParameters: request.pathParameters,
  body: request.body === undefined ? undefined : JSON.stringify(request.body), isBase64Encoded: false,
  requestContext: { requestId: 'cold', http: { method, path: request.path } },
}, { awsRequestId: 'cold' });
const called = performance.now();
process.stderr.write(JSON.stringify({ status: response.statusCode, loadMs: loaded - started, firstCallMs: called - loaded }) + '\\n');
process.exit(0);
`;

export interface BundleFigures {
  name: string;
  zipBytes: number;
  unzippedBytes: number;
  loadMs: number;
  firstCallMs: number;
  status: number;
}

export async function measureBundles(bootstrap: string, runs = 5): Promise<BundleFigures[]> {
  await ensureTopics(bootstrap, SERVICE_TOPICS);
  const packaged = await packageService('dev');
  const folder = await mkdtemp(join(tmpdir(), 'bundles-'));
  const figures: BundleFigures[] = [];
  for (const [name, zipBytes] of Object.entries(packaged.zipBytes)) {
    const request = firstCalls[name];
    if (!request) continue;
    const target = join(folder, name);
    await run('unzip', ['-q', '-o', join(packaged.folder, `${name}.zip`), '-d', target]);
    const { stdout: du } = await run('du', ['-sb', target]);
    const samples: { status: number; loadMs: number; firstCallMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const { stderr } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          probe,
          join(target, 'functions', `${name}.mjs`),
          JSON.stringify(request),
        ],
        {
          env: {
            PATH: process.env.PATH,
            KAFKA_BROKERS: bootstrap,
            KAFKA_AUTH: 'none',
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            AWS_REGION: 'eu-west-1',
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
      firstCallMs: median(samples.map((s) => s.firstCallMs)),
      status: samples[0]?.status ?? 0,
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
      'first call ms (median)',
      'first call status',
    ],
    figures.map((f) => [
      f.name,
      (f.zipBytes / 1024).toFixed(0),
      (f.unzippedBytes / 1024).toFixed(0),
      f.loadMs.toFixed(1),
      f.firstCallMs.toFixed(1),
      String(f.status),
    ]),
  );
}
