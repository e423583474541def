/**
 * Compiles the event keys osls lacks (keys.ts) into the `AWS::Lambda::EventSourceMapping` resources osls
 * generated for `msk` and `kafka` events, after `package:compileEvents`: what is deployed
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html).
 * Nothing here runs locally.
 */
import type { ADDED_EVENT_PROPERTIES } from '../keys.js';

type EventKind = keyof typeof ADDED_EVENT_PROPERTIES;

interface MappingResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
}

/** What the compilation reads and changes: osls' compiled template resources and the service's functions. */
export interface CompileInput {
  /** The compiled CloudFormation template's `Resources`, changed in place. */
  resources: Record<string, MappingResource | { Type: string }>;
  functions: Record<string, { events?: unknown[]; role?: unknown }>;
  /** The function's Lambda logical id, as osls names it (`naming.getLambdaLogicalId`). */
  lambdaLogicalId(functionKey: string): string;
  /** The role of a function without `role`: the provider's, else osls' own (`IamRoleLambdaExecution`). */
  defaultRole?: unknown;
}

/** The deployed mapping cannot be what serverless.yml asks for; `serverless package` stops with the reason. */
export class MappingConfigError extends Error {
  override name = 'MappingConfigError';
}

interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown;
}

interface SchemaRegistryKey {
  schemaRegistryUri: string;
  accessConfigs?: { type: string; uri: unknown }[];
  eventRecordFormat: string;
  schemaValidationConfigs: { attribute: string }[];
}

const GLUE_REGISTRY = /^(arn:aws[a-z-]*:glue:[^:]+:\d{12}:)registry\/([^/]+)$/;

/**
 * The mapping's SchemaRegistryConfig and what its execution role needs for it: for an AWS Glue registry,
 * reading the registry and its schemas' versions (no access configs: the role is the credential); for a
 * Confluent-compatible one, reading the secrets its access configs name.
 */
function schemaRegistry(key: SchemaRegistryKey, where: string): { config: unknown; statements: Statement[] } {
  const config = {
    SchemaRegistryURI: key.schemaRegistryUri,
    EventRecordFormat: key.eventRecordFormat,
    SchemaValidationConfigs: key.schemaValidationConfigs.map(({ attribute }) => ({ Attribute: attribute })),
    ...(key.accessConfigs
      ? { AccessConfigs: key.accessConfigs.map(({ type, uri }) => ({ Type: type, URI: uri })) }
      : {}),
  };
  const glue = GLUE_REGISTRY.exec(key.schemaRegistryUri);
  if (key.schemaRegistryUri.startsWith('arn:')) {
    if (!glue)
      throw new MappingConfigError(
        `${where}: ${key.schemaRegistryUri} is not a Glue registry ARN (arn:aws:glue:<region>:<account>:registry/<name>)`,
      );
    if (key.accessConfigs)
      throw new MappingConfigError(
        `${where}: a Glue registry takes no accessConfigs (Lambda uses the function's role)`,
      );
    const [, head, name] = glue;
    return {
      config,
      statements: [
        { Effect: 'Allow', Action: ['glue:GetRegistry'], Resource: key.schemaRegistryUri },
        {
          Effect: 'Allow',
          Action: ['glue:GetSchemaVersion'],
          Resource: [key.schemaRegistryUri, `${head}schema/${name}/*`],
        },
      ],
    };
  }
  const secrets = (key.accessConfigs ?? []).map(({ uri }) => uri);
  return {
    config,
    statements:
      secrets.length > 0
        ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secrets }]
        : [],
  };
}

/** The role a policy attaches to, by name (an AWS::IAM::Policy's `Roles`). */
function roleName(role: unknown, functionKey: string): unknown {
  if (typeof role === 'string') {
    // A role ARN (arn:aws:iam::<account>:role/<path/>name), or the logical id of a role in the template.
    return role.startsWith('arn:') ? role.slice(role.lastIndexOf('/') + 1) : { Ref: role };
  }
  const getAtt = (role as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { Ref: getAtt[0] };
  throw new MappingConfigError(
    `functions.${functionKey}.role: give a role logical id, an Fn::GetAtt of one, or a role ARN, so the schema registry permissions can be granted to it`,
  );
}

/** The mapping osls compiled for one event: same function, topic and source. */
function findMapping(
  input: CompileInput,
  functionKey: string,
  kind: EventKind,
  event: Record<string, unknown>,
): MappingResource | undefined {
  const lambda = input.lambdaLogicalId(functionKey);
  return Object.values(input.resources).find((resource): resource is MappingResource => {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping' || !('Properties' in resource)) return false;
    const properties = resource.Properties;
    const sameSource =
      kind === 'msk'
        ? JSON.stringify(properties.EventSourceArn) === JSON.stringify(event.arn)
        : JSON.stringify(properties.SelfManagedEventSource) ===
          JSON.stringify({ Endpoints: { KafkaBootstrapServers: event.bootstrapServers } });
    return (
      sameSource &&
      JSON.stringify(properties.Topics) === JSON.stringify([event.topic]) &&
      JSON.stringify(properties.FunctionName).includes(`"${lambda}"`)
    );
  });
}

/**
 * Sets the added keys on the mappings osls compiled, in place: `FunctionResponseTypes`,
 * `MaximumRetryAttempts`, `MaximumRecordAgeInSeconds`, `BisectBatchOnFunctionError`,
 * `MaximumBatchingWindowInSeconds: 0` (which osls drops), for `msk` `DestinationConfig.OnFailure`, and the
 * 2025 keys `SchemaRegistryConfig` (in the event type's Kafka config), `MetricsConfig` and `LoggingConfig`.
 * For a function whose mappings use a schema registry it adds an AWS::IAM::Policy on the function's role
 * with what the registry needs (the mappings depend on it, so Lambda finds the permissions when it creates
 * them). An event without a compiled mapping is left alone. Runs after `package:compileEvents`. Throws
 * MappingConfigError for what AWS would refuse: a schema registry or a system log level on a mapping without
 * provisioned mode, accessConfigs on a Glue registry, a role the policy cannot name.
 *
 * @example
 * compileAddedProperties({
 *   resources: serverless.service.provider.compiledCloudFormationTemplate.Resources,
 *   functions: serverless.service.functions,
 *   lambdaLogicalId: (key) => provider.naming.getLambdaLogicalId(key),
 * });
 */
export function compileAddedProperties(input: CompileInput): void {
  for (const [functionKey, definition] of Object.entries(input.functions)) {
    const statements: Statement[] = [];
    const dependents: MappingResource[] = [];
    for (const raw of definition.events ?? []) {
      const kind = (['msk', 'kafka'] as const).find(
        (key) => typeof raw === 'object' && raw !== null && key in raw,
      );
      if (kind === undefined) continue;
      const event = (raw as Record<string, Record<string, unknown>>)[kind] ?? {};
      const mapping = findMapping(input, functionKey, kind, event);
      if (mapping === undefined) continue;
      const properties = mapping.Properties;
      if (event.functionResponseTypes !== undefined)
        properties.FunctionResponseTypes = event.functionResponseTypes;
      if (event.maximumRetryAttempts !== undefined)
        properties.MaximumRetryAttempts = event.maximumRetryAttempts;
      if (event.maximumRecordAgeInSeconds !== undefined) {
        properties.MaximumRecordAgeInSeconds = event.maximumRecordAgeInSeconds;
      }
      if (event.bisectBatchOnFunctionError !== undefined) {
        properties.BisectBatchOnFunctionError = event.bisectBatchOnFunctionError;
      }
      // osls writes the window only when truthy; 0 (invoke as soon as records arrive) must not become 500 ms.
      if (event.maximumBatchingWindow === 0) properties.MaximumBatchingWindowInSeconds = 0;
      if (kind === 'msk' && event.onFailureDestination !== undefined) {
        properties.DestinationConfig = { OnFailure: { Destination: event.onFailureDestination } };
      }
      const where = `functions.${functionKey}: the ${kind} event on ${String(event.topic)}`;
      const provisioned = properties.ProvisionedPollerConfig !== undefined;
      if (event.metricsConfig !== undefined) {
        properties.MetricsConfig = { Metrics: (event.metricsConfig as { metrics: string[] }).metrics };
      }
      if (event.loggingConfig !== undefined) {
        if (!provisioned) {
          throw new MappingConfigError(
            `${where}: loggingConfig needs provisioned mode (provisionedPollerConfig), as Lambda requires`,
          );
        }
        properties.LoggingConfig = {
          SystemLogLevel: (event.loggingConfig as { systemLogLevel: string }).systemLogLevel,
        };
      }
      if (event.schemaRegistryConfig !== undefined) {
        // Lambda refuses a schema registry on an on-demand mapping (services-consume-kafka-events).
        if (!provisioned) {
          throw new MappingConfigError(
            `${where}: schemaRegistryConfig needs provisioned mode (provisionedPollerConfig); Lambda supports schema registries on provisioned event source mappings only`,
          );
        }
        const registry = schemaRegistry(event.schemaRegistryConfig as unknown as SchemaRegistryKey, where);
        const configKey =
          kind === 'msk' ? 'AmazonManagedKafkaEventSourceConfig' : 'SelfManagedKafkaEventSourceConfig';
        properties[configKey] = {
          ...(properties[configKey] as object | undefined),
          SchemaRegistryConfig: registry.config,
        };
        statements.push(...registry.statements);
        if (registry.statements.length > 0) dependents.push(mapping);
      }
    }
    if (statements.length > 0) {
      const policyId = `${input.lambdaLogicalId(functionKey)}SchemaRegistryPolicy`;
      input.resources[policyId] = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: `${functionKey}-schema-registry`,
          Roles: [roleName(definition.role ?? input.defaultRole ?? 'IamRoleLambdaExecution', functionKey)],
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      } as MappingResource;
      for (const mapping of dependents) {
        mapping.DependsOn = [...[mapping.DependsOn ?? []].flat(), policyId];
      }
    }
  }
}
