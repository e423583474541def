/** What the registry needs from a schema format (Avro, Protobuf, JSON Schema). */
import type { SchemaType } from '../model.js';

/** A referenced schema, already looked up; `dependencies` lists references before the schemas using them. */
export interface ResolvedReference {
  name: string;
  schema: string;
}

export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /** The stored and returned form; with the references, it identifies the schema. */
  readonly canonical: string;
  /** The form stored when the caller asks for `normalize=true` (or the config's `normalize`). */
  normalized(): string;
  /**
   * Why data written with `writer` (a schema of the same type) cannot be read with this schema, one message
   * per problem; empty when it can.
   */
  readErrors(writer: ParsedSchema): string[];
  /** The schema rendered for `?format=`, or undefined when the format does not apply to this type. */
  formatted(format: string): string | undefined;
}

/** Error messages quote the schema; a long one is cut. */
export function excerpt(text: string, length = 200): string {
  return text.length > length ? `${text.slice(0, length)}...` : text;
}

/** JSON with object keys sorted (arrays keep their order): the normalized form of Avro and JSON Schema. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
