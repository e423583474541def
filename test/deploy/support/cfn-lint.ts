/**
 * cfn-lint (https://github.com/aws-cloudformation/cfn-lint, from PyPI), AWS's CloudFormation linter: it
 * checks templates against the resource schemas of each region (installed by ../../support/python-tools.ts).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { pythonTool } from '../../support/python-tools.js';

const run = promisify(execFile);

/** Pinned: a release with new rules must not turn the build red on its own. */
const CFN_LINT_VERSION = '1.58.0';

/** One finding, as `cfn-lint --format json` prints it. */
export interface CfnLintMatch {
  Filename: string | null;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Location: {
    Start: { LineNumber: number; ColumnNumber: number };
    End: { LineNumber: number; ColumnNumber: number };
    Path: (string | number)[] | null;
  };
  Rule: { Id: string; ShortDescription: string; Description: string; Source: string };
}

export interface LintResult {
  errors: CfnLintMatch[];
  warnings: CfnLintMatch[];
}

export interface LintOptions {
  /** Regions whose resource schemas apply; serverless.yml deploys to eu-west-1 unless told otherwise. */
  regions?: string[];
}

/**
 * Lints CloudFormation templates, YAML or JSON (such as `serverless package`'s
 * `.serverless/cloudformation-template-update-stack.json`), and sorts the findings by level;
 * informational findings are left out.
 *
 * @example
 * const { errors } = await lintTemplates(['infra/cloudformation/network-and-msk.yml']);
 * expect(errors).toEqual([]);
 */
export async function lintTemplates(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const bin = await pythonTool('cfn-lint', `cfn-lint==${CFN_LINT_VERSION}`);
  const regions = options.regions ?? ['eu-west-1'];
  const args = ['--format', 'json', '--regions', ...regions, '--', ...paths];
  let stdout: string;
  try {
    ({ stdout } = await run(join(bin, 'cfn-lint'), args, {
      cwd: repositoryRoot,
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    // The exit code is a bit mask of the levels found (2 error, 4 warning, 8 informational), so a
    // non-zero exit with JSON on stdout is a normal answer; anything else is a failure to run.
    const output = (error as { stdout?: unknown }).stdout;
    if (typeof output !== 'string' || !output.trimStart().startsWith('[')) {
      throw new Error(`cfn-lint did not run: ${(error as { stderr?: unknown }).stderr ?? error}`, {
        cause: error,
      });
    }
    stdout = output;
  }
  const matches = JSON.parse(stdout) as CfnLintMatch[];
  return {
    errors: matches.filter((match) => match.Level === 'Error'),
    warnings: matches.filter((match) => match.Level === 'Warning'),
  };
}

/** One line per finding, for assertion messages: `E3002 file:6 Resources/X/Properties/Foo: message`. */
export function describeMatches(matches: CfnLintMatch[]): string[] {
  return matches.map(
    (match) =>
      `${match.Rule.Id} ${match.Filename ?? ''}:${match.Location.Start.LineNumber} ${(match.Location.Path ?? []).join('/')}: ${match.Message}`,
  );
}
