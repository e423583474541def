/** Parses a schema of any supported type; see each format's module for what it checks. */
import { invalidSchema } from '../errors.js';
import { SCHEMA_TYPES, type SchemaType } from '../model.js';
import { parseAvro } from './avro.js';
import type { ParsedSchema, ResolvedReference } from './format.js';
import { parseJsonSchema } from './json-schema.js';
import { parseProtobuf } from './protobuf.js';

export type { ParsedSchema, ResolvedReference } from './format.js';

const parsers: Record<SchemaType, (text: string, references: ResolvedReference[]) => ParsedSchema> = {
  AVRO: parseAvro,
  PROTOBUF: parseProtobuf,
  JSON: parseJsonSchema,
};

/** `schemaType` as a client sends it (absent means AVRO); throws 42201 for an unknown type. */
export function schemaTypeOf(value: string | undefined): SchemaType {
  const type = (value ?? 'AVRO').toUpperCase();
  if (!(SCHEMA_TYPES as readonly string[]).includes(type))
    throw invalidSchema(`Invalid schema type ${value}`);
  return type as SchemaType;
}

/**
 * Parses `text` as a schema of `type`, with `references` (dependencies first) available to it.
 * Throws a 42201 RegistryError when it does not parse.
 */
export function parseSchema(type: SchemaType, text: string, references: ResolvedReference[]): ParsedSchema {
  return parsers[type](text, references);
}
