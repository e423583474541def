/**
 * Credentials kept in AWS Secrets Manager as `{"username", "password"}` (a Kafka SASL user, a schema
 * registry's API key and secret). Read at most once per container by the client that needs them.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

const UsernamePassword = z.object({ username: z.string().min(1), password: z.string().min(1) });

export type UsernamePassword = z.infer<typeof UsernamePassword>;

/**
 * The secret's username and password. Throws the SDK's error when the secret cannot be read, and an error
 * naming the secret (never its content) when it does not hold both fields.
 */
export async function readUsernamePassword(
  secretArn: string,
  region: string | undefined,
): Promise<UsernamePassword> {
  const secrets = new SecretsManagerClient(region ? { region } : {});
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: ReturnType<typeof UsernamePassword.safeParse> | undefined;
  try {
    parsed = UsernamePassword.safeParse(JSON.parse(SecretString ?? '{}'));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) throw new Error(`secret ${secretArn} must hold {"username","password"}`);
  return parsed.data;
}
