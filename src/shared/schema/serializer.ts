/**
 * Serializes JSON values with a registered schema into Confluent's wire format (wire.ts): looks the schema
 * up in the registry (registry-client.ts, cached), compiles it once per container and schema id
 * (compile.ts, shared with deserializer.ts), and encodes each value with its format's module.
 */
import { SchemaUnusableError } from '../errors.js';
import { SchemaCompileError } from './codec.js';
import { SchemaCompiler } from './compile.js';
import type { SchemaRegistryConfig } from './config.js';
import { SchemaRegistryClient, type SchemaSelector, type SchemaType } from './registry-client.js';
import { wireHeader } from './wire.js';

/** The schema formats of the API, by the registry's `schemaType`. */
export const SCHEMA_TYPES = { avro: 'AVRO', protobuf: 'PROTOBUF', jsonschema: 'JSON' } as const;
export type SchemaFormat = keyof typeof SCHEMA_TYPES;

/** Which schema to serialize with. `message` picks a Protobuf message (fully qualified); the first by default. */
export interface SchemaChoice {
  format: SchemaFormat;
  selector: SchemaSelector;
  message?: string;
}

/**
 * Encodes one JSON value (as JSON.parse gives it) into a framed record: header and payload. `source` is the
 * value's JSON text, which JSON Schema writes as it is. Throws SchemaValueError (codec.ts).
 */
export type ValueEncoder = (value: unknown, source?: Buffer) => Buffer;

function describe(choice: SchemaChoice): string {
  const { selector } = choice;
  return 'id' in selector
    ? `schema id ${selector.id}`
    : `subject ${selector.subject} version ${selector.version}`;
}

/**
 * One per container. Without a registry (no SCHEMA_REGISTRY_URL), every schema format is refused with
 * SchemaUnusableError.
 */
export class SchemaSerializer {
  private readonly compiler: SchemaCompiler | undefined;

  constructor(readonly registry: SchemaRegistryClient | undefined) {
    this.compiler = registry && new SchemaCompiler(registry);
  }

  /**
   * The encoder of a schema choice. Throws the registry client's errors (subject, version or id not found,
   * registry unavailable), and SchemaUnusableError when the schema is not of the format's type or does not
   * compile (an invalid schema, a missing reference or message).
   */
  async encoder(choice: SchemaChoice): Promise<ValueEncoder> {
    const { registry, compiler } = this;
    if (!registry || !compiler) {
      throw new SchemaUnusableError(
        `this deployment has no schema registry (SCHEMA_REGISTRY_URL) for ${choice.format}`,
      );
    }
    const schema = await registry.schema(choice.selector, choice.format === 'protobuf');
    const expectedType: SchemaType = SCHEMA_TYPES[choice.format];
    if (schema.schemaType !== expectedType) {
      throw new SchemaUnusableError(
        `${describe(choice)} is of schema type ${schema.schemaType}, not ${expectedType} (${choice.format})`,
      );
    }
    // Compiled once per id: `latest` moving to a new version compiles that version once.
    try {
      const { encode, messageIndexes } = await compiler.codec(schema, choice.message);
      const header = wireHeader(schema.id, messageIndexes);
      return (value, source) => Buffer.concat([header, encode(value, source)]);
    } catch (error) {
      if (!(error instanceof SchemaCompileError)) throw error;
      throw new SchemaUnusableError(`${describe(choice)} (id ${schema.id}) cannot be used: ${error.message}`);
    }
  }
}

/** The serializer of a configuration: with a registry client when it names a registry, else without. */
export function schemaSerializerFor(config: Readonly<SchemaRegistryConfig>): SchemaSerializer {
  const { url, ...rest } = config;
  return new SchemaSerializer(url === undefined ? undefined : new SchemaRegistryClient({ ...rest, url }));
}
