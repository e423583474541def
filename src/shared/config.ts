/**
 * Reads configuration from the environment once, at cold start, into frozen typed objects.
 * A bad value fails the cold start with an error that names the variable.
 */
import type * as z from 'zod';

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
