/**
 * Python tools the tests use (kafka-python, cfn-lint, moto), each pinned in a venv of its own under .cache
 * and installed from PyPI on first use, so `npm test` needs no manual step on a fresh machine. Test files
 * run in parallel workers, so one worker installs under a lock directory (mkdir is atomic) while the
 * others wait for the marker.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '../../infra/kafka/broker.js';

const run = promisify(execFile);
/** A lock older than this was left by a killed run (an install takes a minute or two). */
const STALE_LOCK_MS = 10 * 60_000;

const installs = new Map<string, Promise<string>>();

async function lockOrWait(lock: string): Promise<boolean> {
  const locked = await mkdir(lock).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    },
  );
  if (locked) return true;
  const since = await stat(lock).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (since !== undefined && Date.now() - since > STALE_LOCK_MS)
    await rm(lock, { recursive: true, force: true });
  else await new Promise((resolve) => setTimeout(resolve, 1000));
  return false;
}

/**
 * The `bin` folder of a venv holding `requirement` (e.g. `cfn-lint==1.58.0`; several, space-separated,
 * pin a tool's dependencies too), created on first use.
 *
 * @example
 * const bin = await pythonTool('cfn-lint', 'cfn-lint==1.58.0');
 */
export function pythonTool(name: string, requirement: string): Promise<string> {
  let install = installs.get(name);
  if (!install) {
    const venv = join(repositoryRoot, '.cache', `python-${name}`);
    const marker = join(venv, 'installed');
    install = (async () => {
      while ((await readFile(marker, 'utf8').catch(() => undefined)) !== requirement) {
        if (!(await lockOrWait(`${venv}.lock`))) continue;
        try {
          await rm(venv, { recursive: true, force: true });
          await run('python3', ['-m', 'venv', venv]);
          await run(join(venv, 'bin', 'pip'), [
            'install',
            '--quiet',
            '--disable-pip-version-check',
            ...requirement.split(' '),
          ]);
          await writeFile(marker, requirement);
        } finally {
          await rm(`${venv}.lock`, { recursive: true, force: true });
        }
      }
      return join(venv, 'bin');
    })();
    installs.set(name, install);
  }
  return install;
}
