/**
 * The event keys osls v4 lacks for `msk` and `kafka` events (it has batching, filters, consumer group,
 * starting position and provisioned pollers for both, and `onFailureDestination` for `kafka` only): the
 * retry controls, partial batch responses, an MSK on-failure destination, and the 2025 mapping settings
 * (schema registry, metrics, system log level). One definition serves both
 * roles of the plugin: the keys compile into the deployed event source mapping (compile/mapping.ts) and
 * drive the local emulation (emulate/sources.ts).
 */

/** The retry and response controls both event types get. */
const retryControls = {
  maximumRetryAttempts: { type: 'integer', minimum: -1, maximum: 10_000 },
  maximumRecordAgeInSeconds: {
    anyOf: [{ const: -1 }, { type: 'integer', minimum: 60, maximum: 604_800 }],
  },
  bisectBatchOnFunctionError: { type: 'boolean' },
  functionResponseTypes: {
    type: 'array',
    items: { enum: ['ReportBatchItemFailures'] },
    maxItems: 1,
  },
} as const;

/** A secret's ARN, or a CloudFormation intrinsic that gives one (`Ref` of an AWS::SecretsManager::Secret). */
const secretArn = { anyOf: [{ type: 'string', pattern: '^arn:' }, { type: 'object' }] } as const;

/**
 * The 2025 mapping keys (AWS::Lambda::EventSourceMapping): the schema registry the mapping decodes and
 * validates records with, the mapping's own metrics and its system log level.
 */
const mappingConfigs = {
  schemaRegistryConfig: {
    type: 'object',
    properties: {
      // A Confluent-compatible registry's https URL, or an AWS Glue registry's ARN.
      schemaRegistryUri: { type: 'string', pattern: '^(https://|arn:aws[a-z-]*:glue:)' },
      accessConfigs: {
        type: 'array',
        maxItems: 2,
        items: {
          type: 'object',
          properties: {
            type: { enum: ['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE'] },
            uri: secretArn,
          },
          required: ['type', 'uri'],
          additionalProperties: false,
        },
      },
      eventRecordFormat: { enum: ['JSON', 'SOURCE'] },
      schemaValidationConfigs: {
        type: 'array',
        minItems: 1,
        maxItems: 2,
        items: {
          type: 'object',
          properties: { attribute: { enum: ['KEY', 'VALUE'] } },
          required: ['attribute'],
          additionalProperties: false,
        },
      },
    },
    required: ['schemaRegistryUri', 'eventRecordFormat', 'schemaValidationConfigs'],
    additionalProperties: false,
  },
  metricsConfig: {
    type: 'object',
    properties: {
      metrics: {
        type: 'array',
        minItems: 1,
        maxItems: 3,
        uniqueItems: true,
        items: { enum: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      },
    },
    required: ['metrics'],
    additionalProperties: false,
  },
  loggingConfig: {
    type: 'object',
    properties: { systemLogLevel: { enum: ['DEBUG', 'INFO', 'WARN'] } },
    required: ['systemLogLevel'],
    additionalProperties: false,
  },
} as const;

/**
 * JSON schema of the added keys, per event type, for osls' `defineFunctionEventProperties` (so osls
 * validates them): `maximumRecordAgeInSeconds` in seconds (-1 or 60 to 604,800), as Lambda takes it.
 */
export const ADDED_EVENT_PROPERTIES = {
  msk: { ...retryControls, ...mappingConfigs, onFailureDestination: { type: 'string' } },
  kafka: { ...retryControls, ...mappingConfigs },
} as const;
