/** The broker never ships to Lambda: nothing under functions/ or src/shared imports it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('src/broker', () => {
  it('is imported by nothing that ships to Lambda', () => {
    const offenders = ['functions', join('src', 'shared')]
      .flatMap((dir) => sources(join(repositoryRoot, dir)))
      .filter((file) => /from\s+['"][^'"]*\/broker\//.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
