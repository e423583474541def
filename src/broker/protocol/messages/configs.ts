/** Configuration APIs: DescribeConfigs (32), AlterConfigs (33), IncrementalAlterConfigs (44). */
import { api, t } from '../schema.js';

export const DescribeConfigs = api({
  key: 32,
  name: 'DescribeConfigs',
  min: 0,
  max: 4,
  firstFlexible: 4,
  request: t.struct({
    resources: t.array(
      t.struct({
        resourceType: t.int8(),
        resourceName: t.string(),
        configurationKeys: t.nullableArray('string'),
      }),
    ),
    includeSynonyms: t.bool('1+'),
    includeDocumentation: t.bool('3+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32(),
    results: t.array(
      t.struct({
        errorCode: t.int16(),
        errorMessage: t.nullableString(),
        resourceType: t.int8(),
        resourceName: t.string(),
        configs: t.array(
          t.struct({
            name: t.string(),
            value: t.nullableString(),
            readOnly: t.bool(),
            isDefault: t.bool('0'),
            configSource: t.int8('1+', -1),
            isSensitive: t.bool(),
            synonyms: t.array(
              t.struct({ name: t.string('1+'), value: t.nullableString('1+'), source: t.int8('1+') }),
              '1+',
            ),
            configType: t.int8('3+'),
            documentation: t.nullableString('3+'),
          }),
        ),
      }),
    ),
  }),
});

const alterResult = t.struct({
  errorCode: t.int16(),
  errorMessage: t.nullableString(),
  resourceType: t.int8(),
  resourceName: t.string(),
});

export const AlterConfigs = api({
  key: 33,
  name: 'AlterConfigs',
  min: 0,
  max: 2,
  firstFlexible: 2,
  request: t.struct({
    resources: t.array(
      t.struct({
        resourceType: t.int8(),
        resourceName: t.string(),
        configs: t.array(t.struct({ name: t.string(), value: t.nullableString() })),
      }),
    ),
    validateOnly: t.bool(),
  }),
  response: t.struct({ throttleTimeMs: t.int32(), responses: t.array(alterResult) }),
});

export const IncrementalAlterConfigs = api({
  key: 44,
  name: 'IncrementalAlterConfigs',
  min: 0,
  max: 1,
  firstFlexible: 1,
  request: t.struct({
    resources: t.array(
      t.struct({
        resourceType: t.int8(),
        resourceName: t.string(),
        configs: t.array(
          t.struct({ name: t.string(), configOperation: t.int8(), value: t.nullableString() }),
        ),
      }),
    ),
    validateOnly: t.bool(),
  }),
  response: t.struct({ throttleTimeMs: t.int32(), responses: t.array(alterResult) }),
});
