/**
 * How the service reaches Kafka, from the environment (see the README's configuration table).
 */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');
const milliseconds = z.coerce.number().int().positive();

const KafkaEnvironment = z
  .object({
    KAFKA_BROKERS: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((broker) => broker.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1))
      .optional(),
    MSK_CLUSTER_ARN: z
      .string()
      .regex(/^arn:aws[\w-]*:kafka:[\w-]+:\d{12}:cluster\//, 'expected an MSK cluster ARN')
      .optional(),
    KAFKA_CLIENT_ID: z.string().default('kafka-lambda-runtime'),
    KAFKA_AUTH: z.enum(['none', 'scram-sha-512', 'plain', 'msk-iam']).default('none'),
    KAFKA_TLS: booleanFlag.optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    KAFKA_SASL_SECRET_ARN: z.string().optional(),
    KAFKA_CONNECTION_TIMEOUT_MS: milliseconds.default(3000),
    KAFKA_REQUEST_TIMEOUT_MS: milliseconds.default(10_000),
    KAFKA_METADATA_MAX_AGE_MS: milliseconds.default(10_000),
    AWS_REGION: z.string().optional(),
  })
  .superRefine((env, context) => {
    if (!env.KAFKA_BROKERS && !env.MSK_CLUSTER_ARN) {
      context.addIssue({
        code: 'custom',
        path: ['KAFKA_BROKERS'],
        message: 'set KAFKA_BROKERS or MSK_CLUSTER_ARN',
      });
    }
    if (env.KAFKA_AUTH === 'scram-sha-512' || env.KAFKA_AUTH === 'plain') {
      const fromEnvironment = env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD;
      if (!fromEnvironment && !env.KAFKA_SASL_SECRET_ARN) {
        context.addIssue({
          code: 'custom',
          path: ['KAFKA_SASL_SECRET_ARN'],
          message: `KAFKA_AUTH=${env.KAFKA_AUTH} needs KAFKA_SASL_SECRET_ARN or KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
        });
      }
    }
    if ((env.KAFKA_AUTH === 'msk-iam' || env.MSK_CLUSTER_ARN) && !env.AWS_REGION) {
      context.addIssue({ code: 'custom', path: ['AWS_REGION'], message: 'required for MSK' });
    }
  });

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

export function loadKafkaConfig(env: NodeJS.ProcessEnv = process.env): Readonly<KafkaConfig> {
  const parsed = parseEnvironment(KafkaEnvironment, env);
  const credentials = (): SaslSource =>
    parsed.KAFKA_SASL_SECRET_ARN
      ? { kind: 'secret', secretArn: parsed.KAFKA_SASL_SECRET_ARN }
      : {
          kind: 'inline',
          username: parsed.KAFKA_SASL_USERNAME ?? '',
          password: parsed.KAFKA_SASL_PASSWORD ?? '',
        };
  const auth: KafkaAuth =
    parsed.KAFKA_AUTH === 'none'
      ? { mechanism: 'none' }
      : parsed.KAFKA_AUTH === 'msk-iam'
        ? { mechanism: 'msk-iam', region: parsed.AWS_REGION ?? '' }
        : { mechanism: parsed.KAFKA_AUTH, credentials: credentials() };
  return Object.freeze({
    brokers: parsed.KAFKA_BROKERS,
    mskClusterArn: parsed.MSK_CLUSTER_ARN,
    region: parsed.AWS_REGION,
    clientId: parsed.KAFKA_CLIENT_ID,
    // MSK IAM only exists over TLS; SASL credentials should never cross the network in clear.
    tls: parsed.KAFKA_TLS ?? parsed.KAFKA_AUTH !== 'none',
    auth,
    connectionTimeoutMs: parsed.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: parsed.KAFKA_REQUEST_TIMEOUT_MS,
    metadataMaxAgeMs: parsed.KAFKA_METADATA_MAX_AGE_MS,
  });
}
