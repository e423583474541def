/**
 * Serializes JSON values with a registered schema into Confluent's wire format (wire.ts): looks the schema
 * up in the registry (registry-client.ts, cached), compiles it once per container and schema id, and
 * encodes each value with its format's module. Nothing here is specific to producing over HTTP: the same
 * look-up and compilation serve deserializers (the formats' decode functions).
 */
import { SchemaUnusableError } from '../errors.js';
import { SchemaCompileError } from './codec.js';
import type { SchemaRegistryConfig } from './config.js';
import {
  type RegisteredSchema,
  type SchemaReference,
  SchemaRegistryClient,
  type SchemaSelector,
  type SchemaType,
} from './registry-client.js';
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

/** Every schema `schema` references, transitively, each once, those it depends on first. */
async function referencesOf(
  registry: SchemaRegistryClient,
  schema: RegisteredSchema,
  serialized: boolean,
): Promise<(RegisteredSchema & { name: string })[]> {
  const ordered: (RegisteredSchema & { name: string })[] = [];
  const visited = new Set<string>();
  const visit = async (references: readonly SchemaReference[]): Promise<void> => {
    for (const reference of references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const found = await registry.schema(
        { subject: reference.subject, version: reference.version },
        serialized,
      );
      await visit(found.references);
      ordered.push({ ...found, name: reference.name });
    }
  };
  await visit(schema.references);
  return ordered;
}

/** The payload of one value (no header); throws SchemaValueError or SchemaCompileError. */
type PayloadEncoder = (value: unknown, source?: Buffer) => Buffer;

/**
 * Compiles a schema into its format's payload encoder. Each format's module (and its library: avsc,
 * @bufbuild/protobuf, @cfworker/json-schema) is loaded on first use, so a container that only ever writes
 * json, string or binary values never evaluates them: about 20 ms less CPU per cold start (docs/deploy.md).
 */
async function payloadEncoder(
  choice: SchemaChoice,
  schema: RegisteredSchema,
  references: (RegisteredSchema & { name: string })[],
): Promise<{ encode: PayloadEncoder; messageIndexes?: number[] }> {
  switch (choice.format) {
    case 'avro': {
      const { compileAvro, encodeAvro } = await import('./avro.js');
      const compiled = compileAvro(
        schema.schema,
        references.map((reference) => reference.schema),
      );
      return { encode: (value) => encodeAvro(compiled, value) };
    }
    case 'protobuf': {
      const { compileProtobuf, encodeProtobuf } = await import('./protobuf.js');
      const compiled = compileProtobuf(schema.schema, references, choice.message);
      return { encode: (value) => encodeProtobuf(compiled, value), messageIndexes: compiled.messageIndexes };
    }
    case 'jsonschema': {
      const { compileJsonSchema, encodeJsonSchema } = await import('./json-schema.js');
      const compiled = compileJsonSchema(schema.schema, references);
      return { encode: (value, source) => encodeJsonSchema(compiled, value, source) };
    }
  }
}

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
  private readonly encoders = new Map<string, Promise<ValueEncoder>>();

  constructor(readonly registry: SchemaRegistryClient | undefined) {}

  /**
   * The encoder of a schema choice. Throws the registry client's errors (subject, version or id not found,
   * registry unavailable), and SchemaUnusableError when the schema is not of the format's type or does not
   * compile (an invalid schema, a missing reference or message).
   */
  async encoder(choice: SchemaChoice): Promise<ValueEncoder> {
    const { registry } = this;
    if (!registry) {
      throw new SchemaUnusableError(
        `this deployment has no schema registry (SCHEMA_REGISTRY_URL) for ${choice.format}`,
      );
    }
    const serialized = choice.format === 'protobuf';
    const schema = await registry.schema(choice.selector, serialized);
    const expectedType: SchemaType = SCHEMA_TYPES[choice.format];
    if (schema.schemaType !== expectedType) {
      throw new SchemaUnusableError(
        `${describe(choice)} is a ${schema.schemaType} schema, not ${expectedType} (${choice.format})`,
      );
    }
    // Compiled once per id: `latest` moving to a new version compiles that version once.
    const key = `${choice.format}\u0000${schema.id}\u0000${choice.message ?? ''}`;
    let encoder = this.encoders.get(key);
    if (!encoder) {
      encoder = (async () => {
        const references = await referencesOf(registry, schema, serialized);
        try {
          const { encode, messageIndexes } = await payloadEncoder(choice, schema, references);
          const header = wireHeader(schema.id, messageIndexes);
          return (value, source) => Buffer.concat([header, encode(value, source)]);
        } catch (error) {
          if (!(error instanceof SchemaCompileError)) throw error;
          throw new SchemaUnusableError(
            `${describe(choice)} (id ${schema.id}) cannot be used: ${error.message}`,
          );
        }
      })();
      this.encoders.set(key, encoder);
      encoder.catch(() => this.encoders.delete(key));
    }
    return encoder;
  }
}

/** The serializer of a configuration: with a registry client when it names a registry, else without. */
export function schemaSerializerFor(config: Readonly<SchemaRegistryConfig>): SchemaSerializer {
  const { url, ...rest } = config;
  return new SchemaSerializer(url === undefined ? undefined : new SchemaRegistryClient({ ...rest, url }));
}
