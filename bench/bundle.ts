/**
 * Bundles bench/inprocess.ts the way serverless-esbuild bundles the functions (serverless.yml: bundle,
 * minify, ESM, node20, ES module builds first, the createRequire banner), so the in-process figures come from the code Lambda
 * runs, and both the handler and the bare producer use the same (bundled) kafkajs.
 *
 * It is also what lets the sources run here at all: under plain Node ESM (tsx), named imports of
 * kafkajs' CompressionTypes/ConfigResourceTypes fail, as Node cannot see those CommonJS exports.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repositoryRoot } from '../infra/kafka/broker.js';

export interface Bundle {
  url: string;
  remove(): Promise<void>;
}

export async function bundle(entry: string, name: string): Promise<Bundle> {
  const folder = join(repositoryRoot, '.cache', 'bench', `${name}-${process.pid}`);
  await mkdir(folder, { recursive: true });
  const outfile = join(folder, `${name}.mjs`);
  await build({
    entryPoints: [join(repositoryRoot, entry)],
    outfile,
    bundle: true,
    minify: process.env.BENCH_MINIFY !== 'false',
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    format: 'esm',
    // As serverless.yml: ES module builds first (jsonc-parser's UMD build requires files esbuild cannot see).
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { url: pathToFileURL(outfile).href, remove: () => rm(folder, { recursive: true, force: true }) };
}
