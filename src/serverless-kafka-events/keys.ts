/**
 * The event keys osls v4 lacks for `msk` and `kafka` events (it has batching, filters, consumer group,
 * starting position and provisioned pollers for both, and `onFailureDestination` for `kafka` only): the
 * retry controls, partial batch responses and an MSK on-failure destination. One definition serves both
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

/**
 * JSON schema of the added keys, per event type, for osls' `defineFunctionEventProperties` (so osls
 * validates them): `maximumRecordAgeInSeconds` in seconds (-1 or 60 to 604,800), as Lambda takes it.
 */
export const ADDED_EVENT_PROPERTIES = {
  msk: { ...retryControls, onFailureDestination: { type: 'string' } },
  kafka: retryControls,
} as const;
