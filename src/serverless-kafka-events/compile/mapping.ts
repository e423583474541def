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
}

/** What the compilation reads and changes: osls' compiled template resources and the service's functions. */
export interface CompileInput {
  /** The compiled CloudFormation template's `Resources`, changed in place. */
  resources: Record<string, MappingResource | { Type: string }>;
  functions: Record<string, { events?: unknown[] }>;
  /** The function's Lambda logical id, as osls names it (`naming.getLambdaLogicalId`). */
  lambdaLogicalId(functionKey: string): string;
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
 * `MaximumBatchingWindowInSeconds: 0` (which osls drops) and, for `msk`, `DestinationConfig.OnFailure`.
 * An event without a compiled mapping is left alone. Throws nothing; runs after `package:compileEvents`.
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
    }
  }
}
