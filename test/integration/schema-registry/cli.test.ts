/**
 * `npm run schema-registry`: registers the files of a schemas folder at every start, idempotently, and
 * refuses to start on an incompatible change.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, vi } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { afterFile } from '../../support/cleanup.js';
import { testConnection, uniqueName } from '../../support/kafka.js';

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startCli(env: Record<string, string>): Cli {
  const child = spawn(join(repositoryRoot, 'node_modules', '.bin', 'tsx'), ['src/schema-registry/cli.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  afterFile(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  return { child, output: () => output, exited };
}

async function ready(cli: Cli): Promise<string> {
  await vi.waitFor(
    () => {
      if (cli.child.exitCode !== null) throw new Error(`exited: ${cli.output()}`);
      expect(cli.output()).toMatch(/ready on (http:\S+)/);
    },
    { timeout: 60_000, interval: 200 },
  );
  return /ready on (http:\S+)/.exec(cli.output())?.[1] ?? '';
}

const orderSchema = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields });

describe('npm run schema-registry', () => {
  it('registers the schemas folder at every start without new versions, and refuses an incompatible change', async () => {
    // Prepare
    const bootstrap = inject('kafkaBrokers');
    const topic = uniqueName('schemas');
    const folder = await mkdtemp(join(tmpdir(), 'schemas-'));
    afterFile(async () => {
      await rm(folder, { recursive: true, force: true });
      const admin = await testConnection(bootstrap).admin();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    await writeFile(join(folder, 'orders-value.avsc'), orderSchema([{ name: 'id', type: 'string' }]));
    await writeFile(
      join(folder, 'money.proto'),
      'syntax = "proto3";\npackage shop;\nmessage Money { int64 cents = 1; }\n',
    );
    await writeFile(
      join(folder, 'lines-value.proto'),
      'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Line { string sku = 1; Money price = 2; }\n',
    );
    await writeFile(
      join(folder, 'notes-value.json'),
      '{"type":"object","properties":{"text":{"type":"string"}}}',
    );
    await writeFile(join(folder, 'README.md'), 'not a schema');
    const env = {
      KAFKA_BROKERS: bootstrap,
      SCHEMA_REGISTRY_PORT: '0',
      SCHEMA_REGISTRY_TOPIC: topic,
      SCHEMAS_DIR: folder,
    };

    // Act
    const first = startCli(env);
    const firstUrl = await ready(first);
    const subjects = await (await fetch(`${firstUrl}/subjects`)).json();
    const line = (await (await fetch(`${firstUrl}/subjects/lines-value/versions/latest`)).json()) as any;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startCli(env);
    const secondUrl = await ready(second);
    const versions = await (await fetch(`${secondUrl}/subjects/orders-value/versions`)).json();
    const sameLine = await (await fetch(`${secondUrl}/subjects/lines-value/versions/latest`)).json();
    second.child.kill('SIGTERM');
    await second.exited;

    await writeFile(join(folder, 'orders-value.avsc'), orderSchema([{ name: 'id', type: 'long' }]));
    const third = startCli(env);
    const code = await third.exited;

    // Assess
    expect(subjects).toEqual(['lines-value', 'money', 'notes-value', 'orders-value']);
    expect(line.references).toEqual([{ name: 'money.proto', subject: 'money', version: 1 }]);
    expect(versions).toEqual([1]);
    expect(sameLine).toEqual(line);
    expect(code).toBe(1);
    expect(third.output()).toContain('orders-value.avsc');
    expect(third.output()).toContain('incompatible');
  });
});
