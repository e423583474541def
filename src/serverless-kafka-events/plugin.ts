/**
 * The Serverless Framework plugin for `msk` and `kafka` events (loaded through serverless-plugin.mjs), in
 * two roles that share the event keys of keys.ts:
 * - compile/ (`serverless package` and `deploy`): the keys osls lacks go into the deployed
 *   `AWS::Lambda::EventSourceMapping` resources: production retry, partial-response and destination
 *   settings are written there;
 * - emulate/ (`serverless offline start`, never shipped to Lambda): every mapping polled from a local broker
 *   and invoked through serverless-offline's exported Lambda API (`serverless-offline/lambda`, never its
 *   internals), as Lambda invokes it.
 * See docs/local-emulation.md and docs/lambda-kafka-event-sources.md.
 */

import { resolve } from 'node:path';
import { KafkaAdmin } from '../shared/kafka/admin.js';
import { KafkaConnection } from '../shared/kafka/client.js';
import { loadKafkaConfig } from '../shared/kafka/config.js';
import { KafkaRecordWriter } from '../shared/kafka/writer.js';
import { compileAddedProperties } from './compile/mapping.js';
import type { EmulatorLog } from './emulate/delivery.js';
import { destinationSink } from './emulate/destinations.js';
import { OfflineKafkaError } from './emulate/errors.js';
import type { KafkaEvent } from './emulate/event.js';
import { EventSourcePoller } from './emulate/poller.js';
import { type EventSource, PluginConfig, readEventSources } from './emulate/sources.js';
import { ADDED_EVENT_PROPERTIES } from './keys.js';

/** The parts of osls' `serverless` object the plugin uses. */
export interface Serverless {
  serviceDir: string;
  service: {
    service: string;
    custom?: Record<string, unknown>;
    functions: Record<string, { name?: string; events?: unknown[] }>;
    getFunction(key: string): unknown;
    provider: {
      compiledCloudFormationTemplate: { Resources: Record<string, { Type: string }> };
      /** The functions' default role: a logical id, an ARN or Fn::GetAtt; an object of statements is osls' own role. */
      iam?: { role?: unknown };
      role?: unknown;
    };
  };
  configSchemaHandler: {
    defineFunctionEventProperties(provider: 'aws', event: string, schema: unknown): void;
  };
  getProvider(name: 'aws'): {
    getStage(): string;
    getRegion(): string;
    naming: { getLambdaLogicalId(functionKey: string): string };
  };
}

interface LambdaFunction {
  setEvent(event: unknown): void;
  runHandler(): Promise<unknown>;
  cleanup(): Promise<void>;
}

interface OfflineLambda {
  create(lambdas: { functionKey: string; functionDefinition: unknown }[]): void;
  get(functionKey: string): LambdaFunction;
  cleanup(): Promise<void>;
}

/** serverless-offline's defaults for the options its Lambda reads (its README). */
const OFFLINE_DEFAULTS = {
  localEnvironment: false,
  noTimeout: false,
  reloadHandler: false,
  terminateIdleLambdaTime: 60,
  useDocker: false,
  useInProcess: false,
  dockerReadOnly: true,
  dockerHost: 'localhost',
  layersDir: null,
  localLayers: {},
};

const consoleLog: EmulatorLog = {
  info: (message) => console.log(`offline-kafka: ${message}`),
  warn: (message) => console.warn(`offline-kafka: ${message}`),
  error: (message) => console.error(`offline-kafka: ${message}`),
};

/**
 * The plugin osls loads (serverless-plugin.mjs). Hooks: `after:package:compileEvents` (compile/),
 * `offline:start:init` (start one poller per enabled mapping; throws OfflineKafkaError for a wrong
 * configuration, a broker that does not answer or a missing topic), `before:offline:start:end` (stop).
 *
 * @example
 * // serverless.yml: plugins: [serverless-offline, ./src/serverless-kafka-events/serverless-plugin.mjs]
 */
export class OfflineKafkaPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private readonly serverless: Serverless;
  private readonly cliOptions: Record<string, unknown>;
  private readonly log: EmulatorLog;
  private pollers: EventSourcePoller[] = [];
  private lambda: OfflineLambda | undefined;

  constructor(
    serverless: Serverless,
    cliOptions: Record<string, unknown> = {},
    log: EmulatorLog = consoleLog,
  ) {
    this.serverless = serverless;
    this.cliOptions = cliOptions;
    this.log = log;
    for (const [event, properties] of Object.entries(ADDED_EVENT_PROPERTIES)) {
      serverless.configSchemaHandler.defineFunctionEventProperties('aws', event, { properties });
    }
    this.hooks = {
      'after:package:compileEvents': async () => this.compile(),
      'offline:start:init': () => this.start(),
      'before:offline:start:end': () => this.stop(),
      // serverless-esbuild rebuilt the functions: the next invocation loads the new code.
      'offline:functionsUpdated:cleanup': async () => this.lambda?.cleanup(),
    };
  }

  private compile(): void {
    const provider = this.serverless.getProvider('aws');
    const { iam, role, compiledCloudFormationTemplate } = this.serverless.service.provider;
    const providerRole = iam?.role ?? role;
    compileAddedProperties({
      resources: compiledCloudFormationTemplate.Resources,
      functions: this.serverless.service.functions,
      lambdaLogicalId: (key) => provider.naming.getLambdaLogicalId(key),
      defaultRole:
        typeof providerRole === 'string' || (providerRole as { 'Fn::GetAtt'?: unknown })?.['Fn::GetAtt']
          ? providerRole
          : undefined,
    });
  }

  private config(): PluginConfig {
    const parsed = PluginConfig.safeParse(this.serverless.service.custom?.offlineKafka ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      throw new OfflineKafkaError('INVALID_PLUGIN_CONFIG', `custom.offlineKafka: ${issues.join('; ')}`);
    }
    return parsed.data;
  }

  /** Starts one poller per enabled mapping; if any cannot start, none keeps running. */
  async start(): Promise<void> {
    const config = this.config();
    if (!config.enabled) return;
    const { service } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const brokers = (config.brokers || process.env.KAFKA_BROKERS || 'localhost:9092').split(',');
    const sources = readEventSources(
      {
        service: service.service,
        stage: provider.getStage(),
        region: provider.getRegion(),
        functions: service.functions,
      },
      config,
      brokers,
    );
    for (const source of sources.filter((one) => !one.enabled)) {
      this.log.info(`${source.label}: enabled: false, not polling ${source.topic}`);
    }
    const enabled = sources.filter((source) => source.enabled);
    if (enabled.length === 0) return;
    const lambda = await this.offlineLambda(enabled);
    const reload = Boolean(this.offlineOptions().reloadHandler);
    const invoke = (functionKey: string) => async (event: KafkaEvent) => {
      const fn = lambda.get(functionKey);
      fn.setEvent(event);
      try {
        return await fn.runHandler();
      } finally {
        // With reloadHandler each invocation gets a fresh instance; the previous one is not kept alive.
        if (reload) await fn.cleanup();
      }
    };
    // One connection per cluster: the pollers' start-up checks and the Kafka destinations, which are
    // written as the service writes (src/shared/kafka).
    const clientId = `${service.service}-offline-kafka`;
    const connections = new Map<string, KafkaConnection>();
    const connectionFor = (source: EventSource) => {
      const key = source.brokers.join(',');
      const connection =
        connections.get(key) ??
        new KafkaConnection(loadKafkaConfig({ KAFKA_BROKERS: key, KAFKA_CLIENT_ID: clientId }));
      connections.set(key, connection);
      return connection;
    };
    const folder = resolve(this.serverless.serviceDir, config.destinationsDir);
    this.pollers = enabled.map((source) => {
      const connection = connectionFor(source);
      const admin = new KafkaAdmin(connection);
      return new EventSourcePoller({
        source,
        admin,
        clientId,
        invoke: invoke(source.functionKey),
        sink: destinationSink(new KafkaRecordWriter(connection, admin), folder),
        log: this.log,
        retryInitialDelayMs: config.retryInitialDelayMs,
        retryMaxDelayMs: config.retryMaxDelayMs,
        createTopics: config.createTopics,
      });
    });
    this.closeConnections = async () => {
      await Promise.allSettled([...connections.values()].map((connection) => connection.close()));
    };
    const started = await Promise.allSettled(this.pollers.map((poller) => poller.start()));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await this.stop();
      // osls prints the error, but serverless-offline's servers, already listening, would keep the process
      // alive: exit once the message is out, so a misconfigured stack never looks like a running one.
      setTimeout(() => process.exit(1), 500).unref();
      throw failure.reason;
    }
    for (const { source } of this.pollers) {
      this.log.info(
        `polling ${source.topic} on ${source.brokers.join(',')} for ${source.functionKey} as group ${source.groupId} (batch ${source.batchSize}, window ${source.windowMs} ms)`,
      );
    }
    this.log.info(`ready: ${this.pollers.length} event source(s) polling`);
  }

  private closeConnections: () => Promise<void> = async () => undefined;

  async stop(): Promise<void> {
    await Promise.allSettled(this.pollers.map((poller) => poller.stop()));
    this.pollers = [];
    await this.closeConnections();
    await this.lambda?.cleanup();
  }

  private offlineOptions(): Record<string, unknown> {
    const custom = this.serverless.service.custom?.['serverless-offline'];
    return { ...OFFLINE_DEFAULTS, ...(typeof custom === 'object' ? custom : {}), ...this.cliOptions };
  }

  private async offlineLambda(sources: EventSource[]): Promise<OfflineLambda> {
    const { default: Lambda } = await import('serverless-offline/lambda');
    const lambda = new Lambda(this.serverless, this.offlineOptions()) as OfflineLambda;
    const keys = [...new Set(sources.map((source) => source.functionKey))];
    lambda.create(
      keys.map((functionKey) => ({
        functionKey,
        functionDefinition: this.serverless.service.getFunction(functionKey),
      })),
    );
    this.lambda = lambda;
    return lambda;
  }
}
