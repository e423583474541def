/**
 * The module that constructs the service's kafkajs clients. Code outside src/shared/kafka talks to Kafka
 * through the record writer (writer.ts) and `KafkaAdmin` (admin.ts), built on a
 * {@link KafkaConnection}, in plain types of ours, so the client library can be replaced in one place.
 */
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import type {
  Admin,
  Cluster,
  ICustomPartitioner,
  KafkaConfig as KafkajsConfig,
  LogEntry,
  Producer,
  SASLOptions,
} from 'kafkajs';
import { logger } from '../logger.js';
import { readUsernamePassword } from '../secrets.js';
import type { KafkaAuth, KafkaConfig, SaslSource } from './config.js';
import { commitIdleGroupOffsets, createCluster, type PartitionOffset } from './group-offsets.js';
import { CompressionTypes, Kafka, KafkaJSMetadataNotLoaded, logLevel } from './kafkajs.js';
import { mskIamToken } from './msk-iam.js';

/** Acknowledgement levels as the API names them, and as Kafka's produce request encodes them. */
export const ACKS = { all: -1, leader: 1, none: 0 } as const;
export type Acks = keyof typeof ACKS;

async function readSaslSecret(source: SaslSource, region: string | undefined) {
  return source.kind === 'inline' ? source : readUsernamePassword(source.secretArn, region);
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
        oauthBearerProvider: async () => ({ value: await mskIamToken(auth.region) }),
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

interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** One client, connected on first use, and the calls running on it. */
class Generation<T extends Connectable> {
  private pending: Promise<T> | undefined;
  readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly create: () => Promise<T>) {}

  client(): Promise<T> {
    this.pending ??= (async () => {
      const client = await this.create();
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }

  /** Disconnects the client, if one was made, once the calls on it have settled. */
  async retire(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.pending?.then((client) => client.disconnect()).catch(() => undefined);
  }
}

/**
 * A connected client, created on first use, that can be swapped for a fresh one. Calls made through `use`
 * finish on the client they started on: a replaced client is disconnected once they have settled.
 */
class Replaceable<T extends Connectable> {
  private current: Generation<T>;
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly create: () => Promise<T>) {
    this.current = new Generation(create);
  }

  get(): Promise<T> {
    return this.current.client();
  }

  /** Runs `call` with the current client; a `replace` meanwhile waits for it before disconnecting. */
  async use<R>(call: (client: T) => Promise<R>): Promise<R> {
    const generation = this.current;
    const running = generation.client().then(call);
    generation.inFlight.add(running);
    try {
      return await running;
    } finally {
      generation.inFlight.delete(running);
    }
  }

  /** Swaps in a fresh client at once; the previous one is disconnected in the background (see `use`). */
  replace(): void {
    const previous = this.current;
    this.current = new Generation(this.create);
    const retired = previous.retire().finally(() => this.retiring.delete(retired));
    this.retiring.add(retired);
  }

  /**
   * Disconnects the current client and waits for replaced ones to be disconnected. A later `get` or `use`
   * connects a fresh client.
   */
  async close(): Promise<void> {
    const current = this.current;
    this.current = new Generation(this.create);
    await Promise.all([current.retire(), ...this.retiring]);
  }
}

// kafkajs' typings leave out the constructor's message.
const MetadataNotLoaded = KafkaJSMetadataNotLoaded as unknown as new (message: string) => Error;

/**
 * kafkajs' partitioner for our producers: the writer chooses every record's partition (writer.ts), and this
 * refuses one that kafkajs' own metadata lacks. kafkajs would otherwise send nothing for that partition and
 * still resolve (its leader look-up skips unknown partitions); the error it gets instead is one it answers by
 * refreshing its metadata and trying again.
 */
const chosenPartitionOnly: ICustomPartitioner =
  () =>
  ({ topic, partitionMetadata, message }) => {
    const { partition } = message;
    if (partition === undefined || !partitionMetadata.some((known) => known.partitionId === partition)) {
      throw new MetadataNotLoaded(`partition ${partition} of ${topic} is not in the client's metadata`);
    }
    return partition;
  };

/** One record of a produce call, as the wire carries it. */
export interface ProduceMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer[]>;
  /** Epoch milliseconds (CreateTime). */
  timestamp: number;
}

/** Records for one partition of one topic, sent in one call. */
export interface ProduceCall {
  topic: string;
  partition: number;
  messages: ProduceMessage[];
  acks: Acks;
  compression: 'none' | 'gzip';
}

/** The broker's answer for the partition of a {@link ProduceCall}. */
export interface PartitionAnswer {
  /** The offset of the call's first record, a 64-bit integer as a string. */
  baseOffset: string;
  /** Epoch milliseconds when the topic uses LogAppendTime, else undefined. */
  logAppendTime: number | undefined;
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
  private readonly kafka: () => Promise<InstanceType<typeof Kafka>>;

  constructor(config: Readonly<KafkaConfig>) {
    this.config = config;
    const kafka = lazily(async () => new Kafka(await kafkajsConfig(config)));
    this.kafka = kafka;
    this.adminClient = new Replaceable(async () => (await kafka()).admin());
    this.groupCluster = new Replaceable(async () => createCluster(await kafka()));
    // kafkajs refreshes a producer's metadata when it is older than metadataMaxAge (its default: 5 minutes).
    const common = {
      allowAutoTopicCreation: false,
      createPartitioner: chosenPartitionOnly,
      metadataMaxAge: config.metadataMaxAgeMs,
    };
    this.producers = {
      // Idempotence keeps kafkajs' own retries from writing duplicates; it needs one request in flight.
      // Its retries are bounded (kafkajs warns that this may weaken exactly-once): a caller is waiting, and a
      // failure is reported to it as retriable, so delivery stays at-least-once.
      idempotent: new Replaceable(async () =>
        (await kafka()).producer({
          ...common,
          idempotent: true,
          maxInFlightRequests: 1,
          retry: { retries: 3 },
        }),
      ),
      plain: new Replaceable(async () => (await kafka()).producer(common)),
    };
  }

  /** The connected kafkajs Admin, for the modules of src/shared/kafka (admin.ts, writer.ts) only. */
  admin(): Promise<Admin> {
    return this.adminClient.get();
  }

  /** Swaps the admin for a fresh one (the next `admin()` connects it); the old one is disconnected. */
  resetAdmin(): void {
    this.adminClient.replace();
  }

  /**
   * Sets the committed offsets of a consumer group that has no active members, as Kafka's AdminClient does
   * (see group-offsets.ts); throws GroupNotEmptyError when the group has members.
   */
  async commitIdleGroupOffsets(groupId: string, topic: string, partitions: PartitionOffset[]): Promise<void> {
    await commitIdleGroupOffsets(await this.groupCluster.get(), groupId, topic, partitions);
  }

  /** A new, unconnected low-level client configured like the others; the caller connects and disconnects it. */
  async newCluster(): Promise<Cluster> {
    return createCluster(await this.kafka());
  }

  /**
   * Sends one partition's records and returns the broker's answer for that partition: undefined when there is
   * none (always with acks=none). Throws what kafkajs throws (see errors.ts) once its bounded retries are spent.
   */
  produce(call: ProduceCall): Promise<PartitionAnswer | undefined> {
    const producer = call.acks === 'all' ? this.producers.idempotent : this.producers.plain;
    return producer.use(async (client) => {
      const answers = await client.send({
        topic: call.topic,
        acks: ACKS[call.acks],
        compression: call.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        timeout: this.config.requestTimeoutMs,
        messages: call.messages.map((message) => ({
          key: message.key,
          value: message.value,
          headers: message.headers,
          partition: call.partition,
          timestamp: String(message.timestamp),
        })),
      });
      const answer = answers.find(
        (entry) => entry.topicName === call.topic && entry.partition === call.partition,
      );
      const baseOffset = answer?.baseOffset ?? answer?.offset;
      if (baseOffset === undefined) return undefined;
      const logAppendTime = answer?.logAppendTime === undefined ? -1 : Number(answer.logAppendTime);
      return { baseOffset, logAppendTime: logAppendTime >= 0 ? logAppendTime : undefined };
    });
  }

  /**
   * Swaps both producers for fresh ones (new metadata, new idempotent producer id), which the next `produce()`
   * connects; the old ones are disconnected once their calls in flight have settled.
   */
  resetProducers(): void {
    this.producers.idempotent.replace();
    this.producers.plain.replace();
  }

  /**
   * Disconnects every client this connection opened, replaced ones included, so a process that is done with
   * Kafka can exit (a Lambda container never needs to). A later call connects again.
   */
  async close(): Promise<void> {
    await Promise.all([
      this.adminClient.close(),
      this.groupCluster.close(),
      this.producers.idempotent.close(),
      this.producers.plain.close(),
    ]);
  }
}
