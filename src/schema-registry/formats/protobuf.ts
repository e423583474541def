/**
 * Protobuf schemas with protobufjs, as `.proto` text or as a base64 FileDescriptorProto (what Confluent's
 * serializers register, and read back with `?format=serialized`). Imports resolve to the references by
 * name, else to the well-known files Confluent's registry knows (google/protobuf/*.proto, confluent/meta.proto,
 * confluent/type/decimal.proto). Compatibility follows Confluent's Protobuf diff
 * (io.confluent.kafka.schemaregistry.protobuf.diff): fields compared by number, scalar kinds grouped as
 * the Protobuf guide allows, messages by full name; docs/schema-registry.md lists what is compared.
 */
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import protobuf from 'protobufjs';
import descriptorModule from 'protobufjs/ext/descriptor/index.js';
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json' with { type: 'json' };
import { invalidSchema } from '../errors.js';
import type { ParsedSchema, ResolvedReference } from './format.js';

type FileDescriptor = Record<string, unknown> & {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: unknown[];
};

const CONFLUENT_META = `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }`;

const CONFLUENT_DECIMAL = `syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }`;

/** The generated descriptor.proto messages protobufjs/ext/descriptor exports (its typings omit them). */
interface DescriptorMessage {
  encode(message: protobuf.Message): protobuf.Writer;
  decode(bytes: Uint8Array): protobuf.Message;
  fromObject(object: object): protobuf.Message;
  toObject(message: protobuf.Message, options?: protobuf.IConversionOptions): Record<string, unknown>;
}
const descriptor = descriptorModule as unknown as {
  FileDescriptorProto: DescriptorMessage;
  FileDescriptorSet: DescriptorMessage;
};

/** Well-known files as FileDescriptorProtos, built once on first use. */
let wellKnown: Map<string, FileDescriptor> | undefined;

function wellKnownFiles(): Map<string, FileDescriptor> {
  if (wellKnown) return wellKnown;
  wellKnown = new Map();
  const common = protobuf.common as unknown as Record<string, { nested: protobuf.INamespace['nested'] }>;
  const sources: [string, protobuf.INamespace['nested']][] = [
    ...Object.entries(common)
      .filter(([name]) => name.endsWith('.proto'))
      .map(([name, json]): [string, protobuf.INamespace['nested']] => [name, json.nested]),
    ['google/protobuf/descriptor.proto', (descriptorJson as protobuf.INamespace).nested],
  ];
  for (const [name, nested] of sources) {
    const root = protobuf.Root.fromJSON({ nested });
    const set = (
      root as unknown as { toDescriptor(edition: string): { file: FileDescriptor[] } }
    ).toDescriptor('proto3');
    for (const file of set.file) wellKnown.set(name, { ...toObject(file), name });
  }
  const known = wellKnown;
  known.set('confluent/meta.proto', textToDescriptor(CONFLUENT_META, 'confluent/meta.proto', known));
  const decimal = textToDescriptor(CONFLUENT_DECIMAL, 'confluent/type/decimal.proto', known);
  known.set('confluent/type/decimal.proto', decimal);
  known.set('confluent/types/decimal.proto', { ...decimal, name: 'confluent/types/decimal.proto' });
  return known;
}

interface DescribedMessage {
  field?: { name?: string; jsonName?: string }[];
  nestedType?: DescribedMessage[];
}

/**
 * Messages with every field's `json_name` set, as protoc sets it: protobufjs leaves it out where it equals
 * the field's name, and readers of a serialized schema (bufbuild's, so Confluent's JavaScript serdes) take
 * an absent json_name as the empty name.
 */
function withJsonNames(messages: unknown[] | undefined): DescribedMessage[] | undefined {
  return (messages as DescribedMessage[] | undefined)?.map((message) => ({
    ...message,
    field: message.field?.map((field) => ({
      ...field,
      jsonName: field.jsonName || protoCamelCase(field.name ?? ''),
    })),
    nestedType: withJsonNames(message.nestedType),
  }));
}

function toObject(message: unknown): FileDescriptor {
  return descriptor.FileDescriptorProto.toObject(message as protobuf.Message, {
    defaults: false,
    arrays: false,
  }) as FileDescriptor;
}

function fail(error: unknown): never {
  if ((error as { errorCode?: unknown }).errorCode !== undefined) throw error;
  throw invalidSchema(`Invalid schema of type PROTOBUF, details: ${(error as Error).message}`, error);
}

/** The files `file` imports, each once, dependencies first: references by name, else well-known files. */
function dependencyFiles(
  imports: string[],
  available: Map<string, FileDescriptor>,
  known: Map<string, FileDescriptor>,
  seen = new Set<string>(),
): FileDescriptor[] {
  const files: FileDescriptor[] = [];
  for (const name of imports) {
    if (seen.has(name)) continue;
    seen.add(name);
    const file = available.get(name) ?? known.get(name);
    if (!file)
      throw invalidSchema(`Invalid schema of type PROTOBUF, details: import "${name}" is not a reference`);
    files.push(...dependencyFiles(file.dependency ?? [], available, known, seen), { ...file, name });
  }
  return files;
}

/** A resolved protobufjs root holding `files` (dependencies first). */
function rootOf(files: FileDescriptor[]): protobuf.Root {
  const set = descriptor.FileDescriptorSet.fromObject({ file: files });
  return (
    protobuf.Root as unknown as { fromDescriptor(set: unknown, options: object): protobuf.Root }
  ).fromDescriptor(set, { keepCase: true });
}

/**
 * `.proto` text as a FileDescriptorProto named `name`, its types resolved against `available` references
 * and the well-known files. Declarations keep their order, so message indexes match the text's.
 */
function textToDescriptor(
  text: string,
  name: string,
  known: Map<string, FileDescriptor>,
  available = new Map<string, FileDescriptor>(),
): FileDescriptor {
  const outline = protobuf.parse(text, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  const imports = [...(outline.imports ?? []), ...(outline.weakImports ?? [])];
  const root = imports.length > 0 ? rootOf(dependencyFiles(imports, available, known)) : new protobuf.Root();
  protobuf.parse(text, root, { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  const syntax = /^\s*syntax\s*=\s*["']proto3["']/m.test(text) ? 'proto3' : 'proto2';
  const scope = outline.package ? outline.root.lookup(outline.package) : outline.root;
  const file: FileDescriptor = {
    name,
    ...(outline.package ? { package: outline.package } : {}),
    dependency: imports,
    messageType: [],
    enumType: [],
    service: [],
    extension: [],
    ...(syntax === 'proto3' ? { syntax } : {}),
  };
  for (const declared of (scope as protobuf.Namespace | null)?.nestedArray ?? []) {
    const resolved = root.lookup(declared.fullName);
    const described = (
      resolved as unknown as { toDescriptor(edition: string): protobuf.Message }
    ).toDescriptor(syntax);
    const plain = (described.constructor as unknown as typeof protobuf.Message).toObject(described, {
      defaults: false,
    }) as DescribedType;
    qualify(plain, resolved);
    const list =
      resolved instanceof protobuf.Type
        ? 'messageType'
        : resolved instanceof protobuf.Enum
          ? 'enumType'
          : resolved instanceof protobuf.Service
            ? 'service'
            : 'extension';
    (file[list] as unknown[]).push(plain);
  }
  return file;
}

interface DescribedType {
  name?: string;
  field?: { name?: string; typeName?: string }[];
  nestedType?: DescribedType[];
  method?: { name?: string; inputType?: string; outputType?: string }[];
}

/** protoc's name of a map field's entry type: `tags_by_id` -> `TagsByIdEntry`. */
function entryName(field: string): string {
  return `${field.replace(/(?:^|_)([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())}Entry`;
}

/**
 * protobufjs writes type names relative to the message (`Addr`); protoc, and the clients reading
 * `?format=serialized`, expect them fully qualified (`.a.b.Addr`), and map entries named `<Field>Entry`.
 */
function qualify(described: DescribedType, reflected: protobuf.ReflectionObject | null): void {
  if (reflected instanceof protobuf.Service) {
    for (const method of described.method ?? []) {
      const own = reflected.methods[method.name ?? ''];
      if (!own) continue;
      own.resolve();
      if (own.resolvedRequestType) method.inputType = own.resolvedRequestType.fullName;
      if (own.resolvedResponseType) method.outputType = own.resolvedResponseType.fullName;
    }
    return;
  }
  if (!(reflected instanceof protobuf.Type)) return;
  for (const field of described.field ?? []) {
    const own = reflected.fields[field.name ?? ''];
    if (!own) continue;
    if (own.map) {
      const entry = described.nestedType?.find((nested) => nested.name === field.typeName);
      const name = entryName(own.name);
      if (entry) {
        entry.name = name;
        const value = entry.field?.find((candidate) => candidate.name === 'value');
        if (value && own.resolvedType) value.typeName = own.resolvedType.fullName;
      }
      field.typeName = `${reflected.fullName}.${name}`;
    } else if (own.resolvedType) field.typeName = own.resolvedType.fullName;
  }
  for (const nested of described.nestedType ?? [])
    qualify(nested, reflected.nested?.[nested.name ?? ''] ?? null);
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** `schema` as a FileDescriptorProto: decoded when it is a base64 descriptor, compiled when it is text. */
function describe(schema: string, name: string, available: Map<string, FileDescriptor>): FileDescriptor {
  const known = wellKnownFiles();
  if (BASE64.test(schema) && !/\bsyntax\b|\bmessage\b/.test(schema)) {
    try {
      return { ...toObject(descriptor.FileDescriptorProto.decode(Buffer.from(schema, 'base64'))), name };
    } catch {
      // Not a descriptor after all: parse it as text below.
    }
  }
  return textToDescriptor(schema, name, known, available);
}

const MAIN = 'default';

class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF';

  constructor(
    readonly canonical: string,
    readonly file: FileDescriptor,
    readonly root: protobuf.Root,
  ) {}

  normalized(): string {
    return this.canonical;
  }

  readErrors(writer: ParsedSchema): string[] {
    if (!(writer instanceof ProtobufSchema)) return ['Incompatible because of different schema type'];
    return new Diff(writer, this)
      .compareFiles()
      .map(
        ({ type, path }) =>
          `{errorType:'${type}', description:'Found incompatible change: ${type} at ${path}'}`,
      );
  }

  formatted(format: string): string | undefined {
    if (format !== 'serialized') return undefined;
    const { name: _name, ...described } = this.file;
    const file = { ...described, messageType: withJsonNames(described.messageType) };
    return Buffer.from(
      descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(file)).finish(),
    ).toString('base64');
  }

  /** The top-level messages declared by this schema's own file, in order. */
  messages(): protobuf.Type[] {
    const scope = this.file.package ? this.root.lookup(this.file.package) : this.root;
    const names = new Set((this.file.messageType ?? []).map((message) => (message as { name: string }).name));
    return ((scope as protobuf.Namespace | null)?.nestedArray ?? []).filter(
      (nested): nested is protobuf.Type => nested instanceof protobuf.Type && names.has(nested.name),
    );
  }
}

/**
 * Parses a Protobuf schema (text or base64 FileDescriptorProto) whose imports name `references` (dependencies
 * first). Throws a 42201 RegistryError when it does not parse or a type does not resolve.
 */
export function parseProtobuf(text: string, references: ResolvedReference[]): ParsedSchema {
  try {
    const available = new Map<string, FileDescriptor>();
    for (const reference of references)
      available.set(reference.name, describe(reference.schema, reference.name, available));
    const file = describe(text.trim(), MAIN, available);
    const files = [...dependencyFiles(file.dependency ?? [], available, wellKnownFiles()), file];
    return new ProtobufSchema(text.trim(), file, rootOf(files));
  } catch (error) {
    return fail(error);
  }
}

// ---- compatibility --------------------------------------------------------------------------------------

/** Scalar groups whose types can replace each other on the wire (the Protobuf guide's "Updating A Message Type"). */
const SCALAR_KINDS: Record<string, string> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

interface Problem {
  type: string;
  path: string;
}

function kindOf(field: protobuf.Field): 'MAP' | 'SCALAR' | 'MESSAGE' {
  if (field instanceof protobuf.MapField || field.map) return 'MAP';
  return field.resolvedType instanceof protobuf.Type ? 'MESSAGE' : 'SCALAR';
}

function scalarKind(field: protobuf.Field): string {
  return field.resolvedType instanceof protobuf.Enum ? 'GENERAL_NUMBER' : (SCALAR_KINDS[field.type] ?? 'ANY');
}

function localName(type: protobuf.ReflectionObject, packageName: string | undefined): string {
  const full = type.fullName.replace(/^\./, '');
  return packageName && full.startsWith(`${packageName}.`) ? full.slice(packageName.length + 1) : full;
}

/** Confluent's Protobuf diff from `original` (the writer) to `update` (the reader). */
class Diff {
  readonly problems: Problem[] = [];
  private readonly visited = new Set<string>();

  constructor(
    private readonly original: ProtobufSchema,
    private readonly update: ProtobufSchema,
  ) {}

  private add(type: string, path: string): void {
    this.problems.push({ type, path });
  }

  compareFiles(): Problem[] {
    if ((this.original.file.package ?? '') !== (this.update.file.package ?? ''))
      this.add('PACKAGE_CHANGED', '#/');
    const updates = new Map(this.update.messages().map((message) => [message.name, message]));
    for (const message of this.original.messages()) {
      const counterpart = updates.get(message.name);
      if (!counterpart) this.add('MESSAGE_REMOVED', `#/${message.name}`);
      else this.compareMessages(message, counterpart, `#/${message.name}`);
    }
    return this.problems;
  }

  private compareMessages(original: protobuf.Type, update: protobuf.Type, path: string): void {
    const key = `${original.fullName}\u0000${update.fullName}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    const nestedUpdates = new Map(
      update.nestedArray
        .filter((nested) => nested instanceof protobuf.Type)
        .map((nested) => [nested.name, nested]),
    );
    for (const nested of original.nestedArray) {
      if (!(nested instanceof protobuf.Type) || nested.options?.map_entry) continue;
      const counterpart = nestedUpdates.get(nested.name);
      if (!counterpart) this.add('MESSAGE_REMOVED', `${path}/${nested.name}`);
      else this.compareMessages(nested, counterpart as protobuf.Type, `${path}/${nested.name}`);
    }

    const oneofOf = (field: protobuf.Field) => field.partOf?.name;
    const updateByNumber = new Map(update.fieldsArray.map((field) => [field.id, field]));
    const originalByNumber = new Map(original.fieldsArray.map((field) => [field.id, field]));

    // Fields that were independent (or in different oneofs) now in one oneof: old data may set several.
    for (const oneof of update.oneofsArray) {
      const groups = new Set<string>();
      let movedIn = 0;
      for (const field of oneof.fieldsArray) {
        const before = originalByNumber.get(field.id);
        if (!before) continue;
        const group = oneofOf(before);
        if (group) groups.add(`oneof:${group}`);
        else {
          groups.add(`field:${field.id}`);
          movedIn++;
        }
      }
      if (groups.size > 1)
        this.add(
          movedIn > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF',
          `${path}/${oneof.name}`,
        );
    }

    const survivingOneofs = new Set(update.oneofsArray.map((oneof) => oneof.name));
    for (const [number, field] of originalByNumber) {
      const counterpart = updateByNumber.get(number);
      const at = `${path}/${number}`;
      if (counterpart) {
        this.compareFields(field, counterpart, at);
        continue;
      }
      const group = oneofOf(field);
      if (group) {
        // A oneof deleted whole is compatible; a member dropped from a surviving one is not.
        const anySurvives = original.oneofs?.[group]?.fieldsArray.some((member) =>
          updateByNumber.has(member.id),
        );
        if (survivingOneofs.has(group) || anySurvives) this.add('ONEOF_FIELD_REMOVED', at);
      } else if (field.required) this.add('REQUIRED_FIELD_REMOVED', at);
    }
    for (const [number, field] of updateByNumber) {
      if (!originalByNumber.has(number) && field.required)
        this.add('REQUIRED_FIELD_ADDED', `${path}/${number}`);
    }
  }

  private compareFields(original: protobuf.Field, update: protobuf.Field, path: string): void {
    const kind = kindOf(original);
    if (kind !== kindOf(update)) {
      this.add('FIELD_KIND_CHANGED', path);
      return;
    }
    if (kind === 'MAP') {
      const originalMap = original as unknown as protobuf.MapField;
      const updateMap = update as unknown as protobuf.MapField;
      if (SCALAR_KINDS[originalMap.keyType] !== SCALAR_KINDS[updateMap.keyType])
        this.add('FIELD_SCALAR_KIND_CHANGED', path);
    }
    if (kind === 'SCALAR' || (kind === 'MAP' && !(original.resolvedType instanceof protobuf.Type))) {
      if (scalarKind(original) !== scalarKind(update)) this.add('FIELD_SCALAR_KIND_CHANGED', path);
      else if (original.repeated !== update.repeated && kind === 'SCALAR') {
        if (scalarKind(original) !== 'STRING_OR_BYTES' && scalarKind(original) !== 'ANY')
          this.add('FIELD_NUMERIC_LABEL_CHANGED', path);
      }
      return;
    }
    const originalType = original.resolvedType as protobuf.Type;
    const updateType = update.resolvedType as protobuf.Type;
    if (
      localName(originalType, this.original.file.package) !== localName(updateType, this.update.file.package)
    ) {
      this.add('FIELD_NAMED_TYPE_CHANGED', path);
      return;
    }
    const before = this.problems.length;
    this.compareMessages(originalType, updateType, path);
    if (this.problems.length > before) this.add('FIELD_NAMED_TYPE_CHANGED', path);
  }
}
