/**
 * Registered schemas compiled into payload codecs, once per container, schema id and message: what the
 * serializer (serializer.ts) and the deserializer (deserializer.ts) share. A schema's references are
 * fetched from the registry (transitively, each once), and each format's module (and its library: avsc,
 * @bufbuild/protobuf, @cfworker/json-schema) is loaded on first use, so a container that only ever writes
 * json, string or binary values never evaluates them: about 20 ms less CPU per cold start (docs/deploy.md).
 */
import type { RegisteredSchema, SchemaReference, SchemaRegistryClient } from './registry-client.js';

/**
 * One compiled schema. `encode` gives the payload of a JSON value (no header; `source` is the value's JSON
 * text, which JSON Schema writes as it is) and throws SchemaValueError (codec.ts); `decode` gives the JSON
 * value of a payload and throws its format library's error (or SchemaValueError for JSON Schema);
 * `messageIndexes` is the Protobuf message's place in its file (wire.ts), undefined for other formats.
 */
export interface SchemaCodec {
  encode: (value: unknown, source?: Buffer) => Buffer;
  decode: (payload: Uint8Array) => unknown;
  messageIndexes: number[] | undefined;
}

/**
 * Which Protobuf message of a schema: by fully qualified name (`shop.v1.Order`), or by message indexes as
 * the wire format carries them; the file's first message when undefined. Ignored for other formats.
 */
export type MessageChoice = string | readonly number[] | undefined;

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

/** Compiles `schema` by its type; throws SchemaCompileError (codec.ts). */
async function codecOf(
  schema: RegisteredSchema,
  references: (RegisteredSchema & { name: string })[],
  message: MessageChoice,
): Promise<SchemaCodec> {
  switch (schema.schemaType) {
    case 'AVRO': {
      const { compileAvro, decodeAvro, encodeAvro } = await import('./avro.js');
      const compiled = compileAvro(
        schema.schema,
        references.map((reference) => reference.schema),
      );
      return {
        encode: (value) => encodeAvro(compiled, value),
        decode: (payload) => decodeAvro(compiled, payload),
        messageIndexes: undefined,
      };
    }
    case 'PROTOBUF': {
      const { compileProtobuf, decodeProtobuf, encodeProtobuf } = await import('./protobuf.js');
      const compiled = compileProtobuf(schema.schema, references, message);
      return {
        encode: (value) => encodeProtobuf(compiled, value),
        decode: (payload) => decodeProtobuf(compiled, payload),
        messageIndexes: compiled.messageIndexes,
      };
    }
    case 'JSON': {
      const { compileJsonSchema, decodeJsonSchema, encodeJsonSchema } = await import('./json-schema.js');
      const compiled = compileJsonSchema(schema.schema, references);
      return {
        encode: (value, source) => encodeJsonSchema(compiled, value, source),
        decode: (payload) => decodeJsonSchema(compiled, payload),
        messageIndexes: undefined,
      };
    }
  }
}

/**
 * The compiled schemas of one registry, one per container. Concurrent requests for the same schema and
 * message share one compilation; a failed one (a reference the registry could not give, a schema that does
 * not compile) is not kept, so it is tried again next time.
 */
export class SchemaCompiler {
  private readonly codecs = new Map<string, Promise<SchemaCodec>>();

  constructor(readonly registry: SchemaRegistryClient) {}

  /**
   * The codec of `schema` (as the registry gave it: Protobuf in serialized form) for `message`. Throws
   * SchemaCompileError (an invalid schema, a missing message) and the registry client's errors (a
   * reference it cannot give).
   */
  codec(schema: RegisteredSchema, message?: MessageChoice): Promise<SchemaCodec> {
    const which = typeof message === 'string' ? message : (message?.join('.') ?? '');
    const key = `${schema.schemaType}\u0000${schema.id}\u0000${which}`;
    let codec = this.codecs.get(key);
    if (!codec) {
      codec = referencesOf(this.registry, schema, schema.schemaType === 'PROTOBUF').then((references) =>
        codecOf(schema, references, message),
      );
      this.codecs.set(key, codec);
      codec.catch(() => this.codecs.delete(key));
    }
    return codec;
  }
}
