import { describe, expect, it } from 'vitest';
import { compatibilityErrors } from '../../../src/schema-registry/compatibility.js';
import { parseSchema } from '../../../src/schema-registry/formats/index.js';
import type { CompatibilityLevel, SchemaType } from '../../../src/schema-registry/model.js';

const avro = (fields: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields, ...extra });
const json = (schema: Record<string, unknown>) => JSON.stringify(schema);
const proto = (body: string, header = 'syntax = "proto3";\npackage shop;') => `${header}\n${body}`;

/** [type, old schema, new schema, compatible at BACKWARD, compatible at FORWARD] */
const cases: [string, SchemaType, string, string, boolean, boolean][] = [
  // Avro: Avro's schema resolution, via avsc.
  [
    'avro: field with a default added',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    avro([
      { name: 'id', type: 'int' },
      { name: 'email', type: 'string', default: '' },
    ]),
    true,
    true,
  ],
  [
    'avro: field without a default added',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    avro([
      { name: 'id', type: 'int' },
      { name: 'email', type: 'string' },
    ]),
    false,
    true,
  ],
  [
    'avro: int promoted to long',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    avro([{ name: 'id', type: 'long' }]),
    true,
    false,
  ],
  [
    'avro: type changed',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    avro([{ name: 'id', type: 'string' }]),
    false,
    false,
  ],
  [
    'avro: enum symbol added',
    'AVRO',
    avro([{ name: 'c', type: { type: 'enum', name: 'Color', symbols: ['RED'] } }]),
    avro([{ name: 'c', type: { type: 'enum', name: 'Color', symbols: ['RED', 'BLUE'] } }]),
    true,
    false,
  ],
  [
    'avro: union widened',
    'AVRO',
    avro([{ name: 'v', type: ['null', 'int'] }]),
    avro([{ name: 'v', type: ['null', 'int', 'string'] }]),
    true,
    false,
  ],
  [
    'avro: record renamed without alias',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    JSON.stringify({
      type: 'record',
      name: 'Person',
      namespace: 'com.example',
      fields: [{ name: 'id', type: 'int' }],
    }),
    false,
    false,
  ],
  [
    'avro: record renamed with the old name as alias',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    JSON.stringify({
      type: 'record',
      name: 'Person',
      namespace: 'com.example',
      aliases: ['com.example.User'],
      fields: [{ name: 'id', type: 'int' }],
    }),
    true,
    false,
  ],
  [
    'avro: namespace changed (names match unqualified, as in Java)',
    'AVRO',
    avro([{ name: 'id', type: 'int' }]),
    avro([{ name: 'id', type: 'int' }], { namespace: 'org.other' }),
    true,
    true,
  ],
  // JSON Schema: Confluent's diff, STRICT policy.
  [
    'json: optional property added to a closed object',
    'JSON',
    json({ type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: false }),
    json({
      type: 'object',
      properties: { id: { type: 'integer' }, note: { type: 'string' } },
      additionalProperties: false,
    }),
    true,
    false,
  ],
  [
    'json: property added to an open object',
    'JSON',
    json({ type: 'object', properties: { id: { type: 'integer' } } }),
    json({ type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } } }),
    false,
    true,
  ],
  [
    'json: required property without default added',
    'JSON',
    json({ type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: false }),
    json({
      type: 'object',
      properties: { id: { type: 'integer' }, note: { type: 'string' } },
      required: ['note'],
      additionalProperties: false,
    }),
    false,
    false,
  ],
  [
    'json: integer widened to number',
    'JSON',
    json({ type: 'object', properties: { n: { type: 'integer' } } }),
    json({ type: 'object', properties: { n: { type: 'number' } } }),
    true,
    false,
  ],
  [
    'json: maxLength decreased',
    'JSON',
    json({ type: 'string', maxLength: 10 }),
    json({ type: 'string', maxLength: 5 }),
    false,
    true,
  ],
  ['json: enum extended', 'JSON', json({ enum: ['a', 'b'] }), json({ enum: ['a', 'b', 'c'] }), true, false],
  [
    'json: oneOf alternative added',
    'JSON',
    json({ oneOf: [{ type: 'string' }, { type: 'integer' }] }),
    json({ oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] }),
    true,
    false,
  ],
  [
    'json: local $ref followed',
    'JSON',
    json({ definitions: { id: { type: 'integer' } }, properties: { id: { $ref: '#/definitions/id' } } }),
    json({ definitions: { id: { type: 'string' } }, properties: { id: { $ref: '#/definitions/id' } } }),
    false,
    false,
  ],
  // Protobuf: Confluent's diff, fields by number.
  [
    'protobuf: field added',
    'PROTOBUF',
    proto('message Order { string id = 1; }'),
    proto('message Order { string id = 1; int64 cents = 2; }'),
    true,
    true,
  ],
  [
    'protobuf: field renamed (same number)',
    'PROTOBUF',
    proto('message Order { string id = 1; }'),
    proto('message Order { string order_id = 1; }'),
    true,
    true,
  ],
  [
    'protobuf: int32 to int64 (same wire kind)',
    'PROTOBUF',
    proto('message Order { int32 n = 1; }'),
    proto('message Order { int64 n = 1; }'),
    true,
    true,
  ],
  [
    'protobuf: int32 to string',
    'PROTOBUF',
    proto('message Order { int32 n = 1; }'),
    proto('message Order { string n = 1; }'),
    false,
    false,
  ],
  [
    'protobuf: message removed',
    'PROTOBUF',
    proto('message Order { string id = 1; }\nmessage Line { int32 q = 1; }'),
    proto('message Order { string id = 1; }'),
    false,
    true,
  ],
  [
    'protobuf: package changed',
    'PROTOBUF',
    proto('message Order { string id = 1; }'),
    proto('message Order { string id = 1; }', 'syntax = "proto3";\npackage other;'),
    false,
    false,
  ],
  [
    'protobuf: two fields moved into a oneof',
    'PROTOBUF',
    proto('message Order { string a = 1; string b = 2; }'),
    proto('message Order { oneof choice { string a = 1; string b = 2; } }'),
    false,
    true,
  ],
  [
    'protobuf: required field added (proto2)',
    'PROTOBUF',
    proto('message Order { optional string id = 1; }', 'syntax = "proto2";\npackage shop;'),
    proto(
      'message Order { optional string id = 1; required int32 n = 2; }',
      'syntax = "proto2";\npackage shop;',
    ),
    false,
    false,
  ],
];

const check = (level: CompatibilityLevel, type: SchemaType, previous: string[], next: string) =>
  compatibilityErrors(
    level,
    parseSchema(type, next, []),
    previous.map((schema) => parseSchema(type, schema, [])),
  );

describe('compatibility', () => {
  it.each(cases)('%s', (_name, type, before, after, backward, forward) => {
    // Act
    const results = {
      BACKWARD: check('BACKWARD', type, [before], after).length === 0,
      FORWARD: check('FORWARD', type, [before], after).length === 0,
      FULL: check('FULL', type, [before], after).length === 0,
      NONE: check('NONE', type, [before], after).length === 0,
    };

    // Assess
    expect(results).toEqual({ BACKWARD: backward, FORWARD: forward, FULL: backward && forward, NONE: true });
  });

  it('compares the plain levels with the latest version, the transitive ones with all of them', () => {
    // Prepare: v1 needs `n`; v2 gives it a default; v3 drops it for a defaulted `m`; v4 drops m's default.
    const v1 = avro([
      { name: 'id', type: 'int' },
      { name: 'n', type: 'int' },
    ]);
    const v2 = avro([
      { name: 'id', type: 'int' },
      { name: 'n', type: 'int', default: 0 },
    ]);
    const v3 = avro([
      { name: 'id', type: 'int' },
      { name: 'm', type: 'int', default: 0 },
    ]);
    const v4 = avro([
      { name: 'id', type: 'int' },
      { name: 'm', type: 'int' },
    ]);

    // Act & Assess
    expect(check('FORWARD', 'AVRO', [v1, v2, v3], v4)).toEqual([]);
    expect(check('FORWARD_TRANSITIVE', 'AVRO', [v1, v2, v3], v4)).not.toEqual([]);
    expect(check('BACKWARD', 'AVRO', [v1, v2, v3], v4)).toEqual([]);
    expect(check('BACKWARD', 'AVRO', [v1, v2], v3)).toEqual([]);
    expect(check('BACKWARD_TRANSITIVE', 'AVRO', [v1, v2], v3)).toEqual([]);
    expect(check('FULL', 'AVRO', [v2], v3)).toEqual([]);
    expect(check('FULL_TRANSITIVE', 'AVRO', [v1, v2], v3)).not.toEqual([]);
  });

  it('never finds schemas of different types compatible', () => {
    // Act
    const errors = compatibilityErrors('BACKWARD', parseSchema('JSON', '{"type":"string"}', []), [
      parseSchema('AVRO', '"string"', []),
    ]);

    // Assess
    expect(errors[0]).toBe('Incompatible because of different schema type');
  });
});
