/**
 * Protobuf messages as JSON, encoded and decoded with @bufbuild/protobuf (the library Confluent's JavaScript
 * serdes use). Schemas come from the registry in its serialized form, a FileDescriptorProto
 * (`?format=serialized`), so no .proto parser is bundled. The JSON is Protobuf's canonical JSON mapping:
 * lowerCamelCase field names (the .proto names are accepted too), 64-bit integers as numbers or strings,
 * enums by name, bytes as base64, well-known types in their JSON forms (a Timestamp is an RFC 3339 string);
 * unknown fields are refused. Spec: https://protobuf.dev/programming-guides/json/
 */
import {
  createFileRegistry,
  type DescFile,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonValue,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import {
  type DescriptorProto,
  FileDescriptorProtoSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt';
import { type FieldIssue, SchemaCompileError, SchemaValueError } from './codec.js';

/** The well-known types a schema may import without a reference, as Confluent's registry provides them. */
const WELL_KNOWN: Record<string, DescFile> = Object.fromEntries(
  [
    file_google_protobuf_any,
    file_google_protobuf_duration,
    file_google_protobuf_empty,
    file_google_protobuf_field_mask,
    file_google_protobuf_struct,
    file_google_protobuf_timestamp,
    file_google_protobuf_wrappers,
  ].map((file) => [`${file.name}.proto`, file]),
);

/** A message type ready to encode, and its message indexes in its file (wire.ts). */
export interface CompiledProtobuf {
  message: DescMessage;
  messageIndexes: number[];
  registry: FileRegistry;
}

/** A serialized file: base64 FileDescriptorProto, and the import path other files know it by. */
export interface SerializedFile {
  name: string;
  schema: string;
}

/**
 * Sets each field's json_name where it is absent, as protoc would: bufbuild reads an absent one as the
 * empty name, and registries that did not compile the schema with protoc leave it out.
 */
function withJsonNames(message: DescriptorProto): void {
  for (const field of message.field) if (!field.jsonName) field.jsonName = protoCamelCase(field.name);
  message.nestedType.forEach(withJsonNames);
}

function indexesOf(message: DescMessage): number[] {
  const siblings = message.parent ? message.parent.nestedMessages : message.file.messages;
  const index = siblings.indexOf(message);
  return message.parent ? [...indexesOf(message.parent), index] : [index];
}

/** The message at `indexes` (wire.ts) in `file`: a top-level message, then nested ones. */
function messageAt(file: DescFile, indexes: readonly number[]): DescMessage | undefined {
  const [first, ...nested] = indexes;
  let message = first === undefined ? undefined : file.messages[first];
  for (const index of nested) message = message?.nestedMessages[index];
  return message;
}

/**
 * Compiles a serialized schema with the files it references (any order), for a message: by fully qualified
 * name (`shop.v1.Order`), by message indexes (a record's header, wire.ts), or the file's first message.
 * Throws SchemaCompileError.
 */
export function compileProtobuf(
  schema: string,
  references: readonly SerializedFile[] = [],
  messageName?: string | readonly number[],
): CompiledProtobuf {
  let registry: FileRegistry;
  const mainName = '__schema__.proto';
  try {
    const decode = (name: string, base64: string) => {
      const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(base64, 'base64'));
      file.name = name;
      file.messageType.forEach(withJsonNames);
      return file;
    };
    const referenced = new Map(references.map((reference) => [reference.name, reference.schema]));
    registry = createFileRegistry(decode(mainName, schema), (name) => {
      const serialized = referenced.get(name);
      return serialized === undefined ? WELL_KNOWN[name] : decode(name, serialized);
    });
  } catch (error) {
    throw new SchemaCompileError(`invalid Protobuf schema: ${(error as Error).message}`);
  }
  const file = registry.getFile(mainName);
  const message =
    typeof messageName === 'string'
      ? registry.getMessage(messageName.replace(/^\./, ''))
      : file && messageAt(file, messageName ?? [0]);
  if (!message || message.file !== file) {
    throw new SchemaCompileError(
      typeof messageName === 'string'
        ? `the schema declares no message ${messageName}`
        : messageName
          ? `the schema has no message at indexes [${messageName.join(', ')}]`
          : 'the schema declares no message',
    );
  }
  return { message, messageIndexes: indexesOf(message), registry };
}

/**
 * Every top-level field of `value` that does not decode on its own, with bufbuild's message (it names the
 * innermost field, or the enum and value); the whole value's error when none fails alone (a oneof set
 * twice, a value that is not an object).
 */
function issuesOf(compiled: CompiledProtobuf, value: unknown, error: Error): FieldIssue[] {
  const fields =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  const issues = fields.flatMap(([key, item]): FieldIssue[] => {
    try {
      fromJson(compiled.message, { [key]: item } as JsonValue, { registry: compiled.registry });
      return [];
    } catch (alone) {
      return [{ path: [key], message: (alone as Error).message }];
    }
  });
  return issues.length > 0 ? issues : [{ path: [], message: error.message }];
}

/**
 * The Protobuf binary encoding of a JSON value (as JSON.parse gives it), by the canonical JSON mapping.
 * Throws SchemaValueError naming each top-level field that does not fit.
 */
export function encodeProtobuf(compiled: CompiledProtobuf, value: unknown): Buffer {
  let message: ReturnType<typeof fromJson>;
  try {
    message = fromJson(compiled.message, value as JsonValue, { registry: compiled.registry });
  } catch (error) {
    throw new SchemaValueError(issuesOf(compiled, value, error as Error));
  }
  const bytes = toBinary(compiled.message, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The canonical JSON of a Protobuf binary payload. Throws bufbuild's error. */
export function decodeProtobuf(compiled: CompiledProtobuf, payload: Uint8Array): unknown {
  return toJson(compiled.message, fromBinary(compiled.message, payload), { registry: compiled.registry });
}
