import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(repositoryRoot, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name))
    .map((entry) => relative(repositoryRoot, join(entry.parentPath, entry.name)));
}

async function importing(files: string[], pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    const text = await readFile(join(repositoryRoot, file), 'utf8');
    if (pattern.test(text)) found.push(file);
  }
  return found;
}

describe('schema registry boundaries', () => {
  it('is never imported by what ships to Lambda', async () => {
    // Act
    const shipped = [...(await sources('functions')), ...(await sources('src/shared'))];

    // Assess
    expect(await importing(shipped, /from\s+['"][^'"]*schema-registry\//)).toEqual([]);
  });

  it('reaches Kafka only through src/shared/kafka', async () => {
    // Act
    const registry = await sources('src/schema-registry');

    // Assess
    expect(await importing(registry, /from\s+['"]kafkajs['"]|shared\/kafka\/kafkajs/)).toEqual([]);
  });
});
