/**
 * Reads configuration from the environment once, at cold start, into frozen typed objects.
 * A bad value fails the cold start with an error that names the variable.
 */
import * as z from 'zod';

/** A setting in the environment is missing or wrong; the message names every variable at fault. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * Parses `env` with a schema whose keys are environment variable names.
 *
 * @example
 * const config = parseEnvironment(z.object({ PORT: z.coerce.number().default(3000) }), process.env);
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): Readonly<z.output<Schema>> {
  // Empty strings mean "unset": serverless.yml writes '' for absent optional values.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

/** One setting: the environment variable it is read from, and the schema of its value. */
type Setting = readonly [variable: string, schema: z.ZodType];

/** A `true`/`false` variable, `fallback` when unset. */
export function flag(fallback: boolean) {
  return z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');
}

/**
 * Reads a configuration whose every field names its environment variable, once, into a frozen object.
 * `check` adds rules across settings; `issue` names the variable at fault. Throws ConfigurationError
 * naming every variable at fault.
 *
 * @example
 * const config = readConfig({ timeoutMs: ['ADMIN_TIMEOUT_MS', z.coerce.number().int().default(20_000)] });
 * config.timeoutMs; // 20000 when ADMIN_TIMEOUT_MS is unset
 */
export function readConfig<const Fields extends Record<string, Setting>>(
  fields: Fields,
  env: NodeJS.ProcessEnv = process.env,
  check?: (
    settings: { [Field in keyof Fields]: z.output<Fields[Field][1]> },
    issue: (variable: string, message: string) => void,
  ) => void,
): Readonly<{ [Field in keyof Fields]: z.output<Fields[Field][1]> }> {
  type Settings = { [Field in keyof Fields]: z.output<Fields[Field][1]> };
  const entries = Object.entries(fields);
  const settings = (parsed: Record<string, unknown>) =>
    Object.fromEntries(entries.map(([field, [variable]]) => [field, parsed[variable]])) as Settings;
  const schema = z
    .object(Object.fromEntries(entries.map(([, [variable, setting]]) => [variable, setting])))
    .superRefine((parsed, context) =>
      check?.(settings(parsed), (variable, message) =>
        context.addIssue({ code: 'custom', path: [variable], message }),
      ),
    );
  return Object.freeze(settings(parseEnvironment(schema, env)));
}
