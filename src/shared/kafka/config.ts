/**
 * How the service reaches Kafka, from the environment (see the README's configuration table).
 */
import * as z from 'zod';
import { readConfig } from '../config.js';

const milliseconds = z.coerce.number().int().positive();

export type SaslSource =
  | { kind: 'inline'; username: string; password: string }
  | { kind: 'secret'; secretArn: string };

export type KafkaAuth =
  | { mechanism: 'none' }
  | { mechanism: 'scram-sha-512' | 'plain'; credentials: SaslSource }
  | { mechanism: 'msk-iam'; region: string };

export interface KafkaConfig {
  /** Fixed broker list; when absent, brokers are discovered from `mskClusterArn`. */
  brokers: string[] | undefined;
  mskClusterArn: string | undefined;
  region: string | undefined;
  clientId: string;
  tls: boolean;
  auth: KafkaAuth;
  connectionTimeoutMs: number;
  /** Upper bound on one produce or metadata call, retries included. */
  requestTimeoutMs: number;
  /**
   * The oldest topic metadata (partitions, leaders, topic limits) a write may use. Older metadata is
   * fetched again before the write; metadata a broker's answer shows to be wrong is fetched at once.
   */
  metadataMaxAgeMs: number;
}

/**
 * Reads how the service reaches Kafka; throws ConfigurationError naming every wrong variable (no brokers
 * and no MSK cluster, SASL without credentials, MSK without a region).
 */
export function loadKafkaConfig(env: NodeJS.ProcessEnv = process.env): Readonly<KafkaConfig> {
  const settings = readConfig(
    {
      brokers: [
        'KAFKA_BROKERS',
        z
          .string()
          .transform((value) =>
            value
              .split(',')
              .map((broker) => broker.trim())
              .filter(Boolean),
          )
          .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1))
          .optional(),
      ],
      mskClusterArn: [
        'MSK_CLUSTER_ARN',
        z
          .string()
          .regex(/^arn:aws[\w-]*:kafka:[\w-]+:\d{12}:cluster\//, 'expected an MSK cluster ARN')
          .optional(),
      ],
      clientId: ['KAFKA_CLIENT_ID', z.string().default('kafka-lambda-runtime')],
      auth: ['KAFKA_AUTH', z.enum(['none', 'scram-sha-512', 'plain', 'msk-iam']).default('none')],
      tls: ['KAFKA_TLS', z.enum(['true', 'false']).optional()],
      username: ['KAFKA_SASL_USERNAME', z.string().optional()],
      password: ['KAFKA_SASL_PASSWORD', z.string().optional()],
      secretArn: ['KAFKA_SASL_SECRET_ARN', z.string().optional()],
      connectionTimeoutMs: ['KAFKA_CONNECTION_TIMEOUT_MS', milliseconds.default(3000)],
      requestTimeoutMs: ['KAFKA_REQUEST_TIMEOUT_MS', milliseconds.default(10_000)],
      metadataMaxAgeMs: ['KAFKA_METADATA_MAX_AGE_MS', milliseconds.default(10_000)],
      region: ['AWS_REGION', z.string().optional()],
    },
    env,
    (read, issue) => {
      if (!read.brokers && !read.mskClusterArn)
        issue('KAFKA_BROKERS', 'set KAFKA_BROKERS or MSK_CLUSTER_ARN');
      if ((read.auth === 'scram-sha-512' || read.auth === 'plain') && !(read.username && read.password)) {
        if (!read.secretArn) {
          issue(
            'KAFKA_SASL_SECRET_ARN',
            `KAFKA_AUTH=${read.auth} needs KAFKA_SASL_SECRET_ARN or KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
          );
        }
      }
      if ((read.auth === 'msk-iam' || read.mskClusterArn) && !read.region)
        issue('AWS_REGION', 'required for MSK');
    },
  );
  const { auth, secretArn, username, password, tls, ...rest } = settings;
  const credentials = (): SaslSource =>
    secretArn
      ? { kind: 'secret', secretArn }
      : { kind: 'inline', username: username ?? '', password: password ?? '' };
  const mechanism: KafkaAuth =
    auth === 'none'
      ? { mechanism: 'none' }
      : auth === 'msk-iam'
        ? { mechanism: 'msk-iam', region: settings.region ?? '' }
        : { mechanism: auth, credentials: credentials() };
  return Object.freeze({
    ...rest,
    // MSK IAM only exists over TLS; SASL credentials should never cross the network in clear.
    tls: tls === undefined ? auth !== 'none' : tls === 'true',
    auth: mechanism,
  });
}
