/**
 * The module that constructs the service's kafkajs clients. Code outside src/shared/kafka talks to Kafka
 * through the record writer (writer.ts) and `KafkaAdmin` (admin.ts), built on a
 * {@link KafkaConnection}, in plain types of ours, so the client library can be replaced in one place.
 */
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import type { Admin, Cluster, KafkaConfig as KafkajsConfig, LogEntry, Producer, SASLOptions } from 'kafkajs';
import * as z from 'zod';
import { logger } from '../logger.js';
import type { KafkaAuth, KafkaConfig, SaslSource } from './config.js';
import { commitIdleGroupOffsets, createCluster, type PartitionOffset } from './group-offsets.js';
import { Kafka, logLevel } from './kafkajs.js';

/** Acknowledgement levels as the API names them, and as Kafka's produce request encodes them. */
export const ACKS = { all: -1, leader: 1, none: 0 } as const;
export type Acks = keyof typeof ACKS;

const SaslSecret = z.object({ username: z.string().min(1), password: z.string().min(1) });

async function readSaslSecret(source: SaslSource, region: string | undefined) {
  if (source.kind === 'inline') return source;
  const secrets = new SecretsManagerClient(region ? { region } : {});
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  const parsed = SaslSecret.safeParse(JSON.parse(SecretString ?? '{}'));
  // The secret's content never goes into the message.
  if (!parsed.success) throw new Error(`secret ${source.secretArn} must hold {"username","password"}`);
  return parsed.data;
}

/** The SASL settings kafkajs gets for an authentication mode (exported for its unit test). */
export async function saslOptions(
  auth: KafkaAuth,
  region: string | undefined,
): Promise<SASLOptions | undefined> {
  switch (auth.mechanism) {
    case 'none':
      return undefined;
    case 'msk-iam':
      // MSK IAM is SASL/OAUTHBEARER with a SigV4-signed token, refreshed by kafkajs on each reauthentication.
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({
          value: (await generateAuthToken({ region: auth.region })).token,
        }),
      };
    case 'scram-sha-512':
    case 'plain': {
      const { username, password } = await readSaslSecret(auth.credentials, region);
      return auth.mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : { mechanism: 'scram-sha-512', username, password };
    }
  }
}

/** GetBootstrapBrokers, picking the broker string that matches the authentication mode. */
async function discoverBrokers(config: KafkaConfig): Promise<string[]> {
  const client = new KafkaClient(config.region ? { region: config.region } : {});
  const answer = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: config.mskClusterArn }));
  const byAuth: Record<KafkaAuth['mechanism'], (string | undefined)[]> = {
    'msk-iam': [answer.BootstrapBrokerStringSaslIam, answer.BootstrapBrokerStringPublicSaslIam],
    'scram-sha-512': [answer.BootstrapBrokerStringSaslScram, answer.BootstrapBrokerStringPublicSaslScram],
    plain: [answer.BootstrapBrokerStringTls],
    none: config.tls ? [answer.BootstrapBrokerStringTls] : [answer.BootstrapBrokerString],
  };
  const brokers = byAuth[config.auth.mechanism].find(Boolean);
  if (!brokers)
    throw new Error(`cluster ${config.mskClusterArn} has no brokers for ${config.auth.mechanism}`);
  return brokers.split(',');
}

// kafkajs logs every retried attempt as an error; the request's own log line carries the outcome.
const kafkajsLevels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function logCreator() {
  return ({ level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _name, ...rest } = log;
    logger[kafkajsLevels[level] ?? 'info'](`kafkajs: ${message}`, rest);
  };
}

async function kafkajsConfig(config: KafkaConfig): Promise<KafkajsConfig> {
  let discovered: Promise<string[]> | undefined;
  const sasl = await saslOptions(config.auth, config.region);
  return {
    clientId: config.clientId,
    brokers:
      config.brokers ??
      (() => {
        discovered ??= discoverBrokers(config).catch((error: unknown) => {
          discovered = undefined;
          throw error;
        });
        return discovered;
      }),
    ssl: config.tls,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Bounded retries: a caller is waiting; the service's own deadline is the last word (see withDeadline).
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator,
  };
}

/** A promise that is forgotten when it fails, so the next invocation tries again. */
function lazily<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= create().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** A connected client, created on first use, that can be swapped for a fresh one. */
class Replaceable<T extends { connect(): Promise<void>; disconnect(): Promise<void> }> {
  private pending: Promise<T> | undefined;

  constructor(private readonly create: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.pending === undefined) {
      const connecting = (async () => {
        const client = await this.create();
        await client.connect();
        return client;
      })().catch((error: unknown) => {
        // Forgotten when it fails, so the next call tries again.
        if (this.pending === connecting) this.pending = undefined;
        throw error;
      });
      this.pending = connecting;
    }
    return this.pending;
  }

  /** Disconnects and forgets the client (if one was ever asked for); the next `get()` connects anew. */
  async replace(): Promise<void> {
    const previous = this.pending;
    this.pending = undefined;
    await previous?.then((stale) => stale.disconnect()).catch(() => undefined);
  }
}

/**
 * Kafka clients for one container: created on first use, connected once, reused by every invocation.
 * The idempotent producer serves `acks=all`; a plain one serves `leader` and `none`, which idempotence forbids.
 *
 * kafkajs puts every topic a client has touched into all its later metadata requests, so once another
 * client deletes such a topic, every request of that client fails with UNKNOWN_TOPIC_OR_PARTITION, whatever
 * topic it is for, until the client is replaced: hence `resetAdmin` and `resetProducers`.
 */
export class KafkaConnection {
  readonly config: Readonly<KafkaConfig>;
  private readonly adminClient: Replaceable<Admin>;
  private readonly groupCluster: Replaceable<Cluster>;
  private readonly producers: Record<'idempotent' | 'plain', Replaceable<Producer>>;

  constructor(config: Readonly<KafkaConfig>) {
    this.config = config;
    const kafka = lazily(async () => new Kafka(await kafkajsConfig(config)));
    this.adminClient = new Replaceable(async () => (await kafka()).admin());
    this.groupCluster = new Replaceable(async () => createCluster(await kafka()));
    this.producers = {
      // Idempotence keeps kafkajs' own retries from writing duplicates; it needs one request in flight.
      // Its retries are bounded (kafkajs warns that this may weaken exactly-once): a caller is waiting, and a
      // failure is reported to it as retriable, so delivery stays at-least-once.
      idempotent: new Replaceable(async () =>
        (await kafka()).producer({
          idempotent: true,
          maxInFlightRequests: 1,
          retry: { retries: 3 },
          allowAutoTopicCreation: false,
        }),
      ),
      plain: new Replaceable(async () => (await kafka()).producer({ allowAutoTopicCreation: false })),
    };
  }

  /** The connected kafkajs Admin, for the modules of src/shared/kafka (admin.ts, writer.ts) only. */
  admin(): Promise<Admin> {
    return this.adminClient.get();
  }

  /** Disconnects and forgets the admin; the next `admin()` connects a fresh one. */
  resetAdmin(): Promise<void> {
    return this.adminClient.replace();
  }

  /**
   * Sets the committed offsets of a consumer group that has no active members, as Kafka's AdminClient does
   * (see group-offsets.ts); throws GroupNotEmptyError when the group has members.
   */
  async commitIdleGroupOffsets(groupId: string, topic: string, partitions: PartitionOffset[]): Promise<void> {
    await commitIdleGroupOffsets(await this.groupCluster.get(), groupId, topic, partitions);
  }

  /** The connected kafkajs Producer for `acks`, for writer.ts only. */
  producer(acks: Acks): Promise<Producer> {
    return (acks === 'all' ? this.producers.idempotent : this.producers.plain).get();
  }

  /** Disconnects and forgets both producers; the next `producer()` connects a fresh one. */
  async resetProducers(): Promise<void> {
    await Promise.all([this.producers.idempotent.replace(), this.producers.plain.replace()]);
  }

  /**
   * Disconnects every client this connection opened, so a process that is done with Kafka can exit (a
   * Lambda container never needs to). A later call connects again.
   */
  async close(): Promise<void> {
    await Promise.all([this.resetAdmin(), this.groupCluster.replace(), this.resetProducers()]);
  }
}
