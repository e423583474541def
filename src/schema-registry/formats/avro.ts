/**
 * Avro schemas, parsed and resolved with avsc. Compatibility is Avro's schema resolution
 * (https://avro.apache.org/docs/1.11.1/specification/#schema-resolution) as avsc's `createResolver`
 * implements it: a reader can read a writer when avsc can build a resolver from one to the other. Named
 * types match as in Avro's Java SchemaCompatibility, which Confluent's registry uses: by unqualified name
 * or by one of the reader's aliases (avsc's `ignoreNamespaces`).
 */
import avro from 'avsc';
import { invalidSchema } from '../errors.js';
import { excerpt, type ParsedSchema, type ResolvedReference, sortedJson } from './format.js';

type AvroType = ReturnType<typeof avro.Type.forSchema>;

class AvroSchema implements ParsedSchema {
  readonly schemaType = 'AVRO';

  constructor(
    readonly canonical: string,
    private readonly json: unknown,
    readonly type: AvroType,
  ) {}

  normalized(): string {
    return sortedJson(this.json);
  }

  readErrors(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema)) return ['Incompatible because of different schema type'];
    try {
      this.type.createResolver(writer.type, { ignoreNamespaces: true } as never);
      return [];
    } catch (error) {
      return [
        `{errorType:'READER_WRITER_INCOMPATIBLE', description:'The new schema cannot read data written with ${excerpt(writer.canonical)}: ${(error as Error).message}'}`,
      ];
    }
  }

  formatted(): string | undefined {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`Invalid schema of type AVRO, details: ${(error as Error).message}`, error);
  }
}

/**
 * Parses an Avro schema whose named types may come from `references` (each an Avro schema, dependencies
 * first). Throws a 42201 RegistryError when the schema, or a field's default, is invalid.
 */
export function parseAvro(text: string, references: ResolvedReference[]): ParsedSchema {
  const json = parseJson(text);
  const registry = {};
  try {
    for (const reference of references)
      avro.Type.forSchema(parseJson(reference.schema) as never, { registry });
    const type = avro.Type.forSchema(json as never, { registry });
    return new AvroSchema(JSON.stringify(json), json, type);
  } catch (error) {
    if ((error as { errorCode?: unknown }).errorCode !== undefined) throw error;
    throw invalidSchema(`Invalid schema of type AVRO, details: ${(error as Error).message}`, error);
  }
}
