/**
 * `serverless package` as CI runs it: no AWS credentials, one stage, into a temporary folder. Returns
 * the generated CloudFormation template and the size of each function's zip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import type { Template } from './template.js';

export interface PackagedService {
  folder: string;
  templatePath: string;
  template: Template;
  /** Function name (as in serverless.yml) to zipped bytes. */
  zipBytes: Record<string, number>;
}

export async function packageService(
  stage: string,
  params: Record<string, string> = {},
): Promise<PackagedService> {
  const folder = await mkdtemp(join(tmpdir(), `package-${stage}-`));
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (/^AWS_(PROFILE|ACCESS_KEY|SECRET|SESSION)/.test(name)) delete env[name];
  await promisify(execFile)(
    join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
    [
      'package',
      '--stage',
      stage,
      '--package',
      folder,
      ...Object.entries(params).map(([name, value]) => `--param=${name}=${value}`),
    ],
    {
      cwd: repositoryRoot,
      // Each package builds in its own esbuild folder, so stages can be packaged side by side.
      env: { ...env, ESBUILD_WORK_FOLDER: `.esbuild-package-${stage}-${process.pid}` },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const templatePath = join(folder, 'cloudformation-template-update-stack.json');
  const zipBytes: Record<string, number> = {};
  for (const file of await readdir(folder)) {
    if (file.endsWith('.zip'))
      zipBytes[file.slice(0, -'.zip'.length)] = (await stat(join(folder, file))).size;
  }
  return {
    folder,
    templatePath,
    template: JSON.parse(await readFile(templatePath, 'utf8')) as Template,
    zipBytes,
  };
}

/** The JavaScript of a function's bundle, read from its zip (`functions/<name>.mjs`). */
export async function bundleSource(packaged: PackagedService, name: string): Promise<string> {
  const zip = await JSZip.loadAsync(await readFile(join(packaged.folder, `${name}.zip`)));
  const entry = zip.file(`functions/${name}.mjs`);
  if (!entry) throw new Error(`${name}.zip has no functions/${name}.mjs`);
  return entry.async('string');
}
