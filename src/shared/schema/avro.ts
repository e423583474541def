/**
 * Avro values as JSON, encoded and decoded with avsc (its types-only build: no files, streams or RPC).
 * The JSON shape is avsc's (and so Confluent's JavaScript serdes'): a record is an object, and a field with a
 * default may be left out; a union's value is written bare when avsc can tell its branch from the value
 * alone (`null`, `"text"`, `{...}` for one record branch), else wrapped as `{"<branch name>": value}`; `bytes`
 * and `fixed` are base64 strings; a `long` is a number within ±(2^53 − 1); logical types are their underlying
 * type (a `decimal` is base64 bytes, a `timestamp-millis` a number). Fields a record does not declare are
 * refused. Spec: https://avro.apache.org/docs/1.12.0/specification/
 */
import type avro from 'avsc';
import avsc from 'avsc/etc/browser/avsc-types.js';
import { type FieldIssue, SchemaCompileError, SchemaValueError } from './codec.js';

type Type = avro.Type;

/** A schema ready to encode: its avsc type, and whether it holds bytes anywhere (base64 to convert). */
export interface CompiledAvro {
  type: Type;
  binary: boolean;
}

interface Named {
  name?: string;
  fields?: { name: string; type: Type }[];
  itemsType?: Type;
  valuesType?: Type;
  types?: Type[];
  underlyingType?: Type;
  symbols?: string[];
  size?: number;
}

const parts = (type: Type) => type as unknown as Named;

/**
 * Compiles `schema` (Avro JSON text) with the schemas it references, dependencies first (named types
 * they define are visible to those after them). Throws SchemaCompileError.
 */
export function compileAvro(schema: string, references: readonly string[] = []): CompiledAvro {
  const registry: Record<string, Type> = {};
  try {
    for (const reference of references) avsc.Type.forSchema(JSON.parse(reference), { registry });
    const type = avsc.Type.forSchema(JSON.parse(schema), { registry });
    return { type, binary: holdsBytes(type, new Set()) };
  } catch (error) {
    throw new SchemaCompileError(`invalid Avro schema: ${(error as Error).message}`);
  }
}

function holdsBytes(type: Type, seen: Set<Type>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type.typeName === 'bytes' || type.typeName === 'fixed') return true;
  const { fields, itemsType, valuesType, types, underlyingType } = parts(type);
  const children = [...(fields ?? []).map((field) => field.type), itemsType, valuesType, ...(types ?? [])];
  return [...children, underlyingType].some((child) => child !== undefined && holdsBytes(child, seen));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The JSON value with base64 strings turned into the Buffers avsc takes for `bytes` and `fixed`. */
function fromJson(type: Type, value: unknown): unknown {
  const { fields, itemsType, valuesType, types, underlyingType } = parts(type);
  switch (type.typeName) {
    case 'bytes':
    case 'fixed':
      return typeof value === 'string' && BASE64.test(value) ? Buffer.from(value, 'base64') : value;
    case 'record':
    case 'error': {
      if (!isObject(value)) return value;
      const converted: Record<string, unknown> = { ...value };
      for (const field of fields ?? []) {
        if (field.name in value) converted[field.name] = fromJson(field.type, value[field.name]);
      }
      return converted;
    }
    case 'array':
      return Array.isArray(value) && itemsType ? value.map((item) => fromJson(itemsType, item)) : value;
    case 'map':
      return isObject(value) && valuesType
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromJson(valuesType, item)]))
        : value;
    case 'union:unwrapped':
      for (const branch of types ?? []) {
        const converted = fromJson(branch, value);
        if (branch.isValid(converted)) return converted;
      }
      return value;
    case 'union:wrapped': {
      const [name, ...others] = isObject(value) ? Object.keys(value) : [];
      const branch = types?.find((candidate) => candidate.branchName === name);
      return branch && name !== undefined && others.length === 0 && isObject(value)
        ? { [name]: fromJson(branch, value[name]) }
        : value;
    }
    default:
      return underlyingType ? fromJson(underlyingType, value) : value;
  }
}

function expected(type: Type): string {
  const { name, types, underlyingType, symbols, size } = parts(type);
  switch (type.typeName) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'a boolean';
    case 'int':
      return 'an int (a 32-bit integer)';
    case 'long':
      return 'a long (an integer within ±(2^53 − 1))';
    case 'float':
    case 'double':
      return `a ${type.typeName} (a number)`;
    case 'string':
      return 'a string';
    case 'bytes':
      return 'bytes (base64)';
    case 'fixed':
      return `${size} bytes (base64)`;
    case 'enum':
      return `one of ${symbols?.join(', ')}`;
    case 'array':
      return 'an array';
    case 'map':
      return 'an object (an Avro map)';
    case 'record':
    case 'error':
      return `an object (record ${name})`;
    case 'union:unwrapped':
      return `a value of one of the union's types: ${types?.map((branch) => branch.branchName).join(', ')}`;
    case 'union:wrapped':
      return `{"<type>": value} with one of the union's types: ${types?.map((branch) => branch.branchName).join(', ')}`;
    default:
      return underlyingType ? expected(underlyingType) : type.typeName;
  }
}

/**
 * For a union whose branch shows from its value, a value written in Avro's JSON encoding (`{"long": 5}`, as
 * other tools send it) gets a hint to send the branch's value itself.
 */
function wrappedBranchHint(type: Type, found: unknown): string {
  if (type.typeName !== 'union:unwrapped' || !isObject(found)) return '';
  const keys = Object.keys(found);
  const [key] = keys;
  const branch = parts(type).types?.find((candidate) => candidate.branchName === key);
  return keys.length === 1 && branch ? `; send the ${key} value itself, not {"${key}": value}` : '';
}

/** avsc's path (strings) as keys and array indexes, following the value. */
function valuePath(value: unknown, path: readonly string[]): (string | number)[] {
  let current = value;
  return path.map((segment) => {
    if (Array.isArray(current)) {
      const index = Number(segment);
      current = current[index];
      return index;
    }
    current = isObject(current) ? current[segment] : undefined;
    return segment;
  });
}

function issuesOf(compiled: CompiledAvro, value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  compiled.type.isValid(value, {
    errorHook: (path, found, type) =>
      issues.push({
        path: valuePath(value, path),
        message:
          found === undefined
            ? `required: ${expected(type)}`
            : `must be ${expected(type)}${wrappedBranchHint(type, found)}`,
      }),
  });
  // avsc stops at the first record holding an undeclared field; the pass above found the rest.
  compiled.type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, found, type) => {
      const { fields, name } = parts(type);
      if (!fields || !isObject(found)) return;
      for (const key of Object.keys(found)) {
        if (!fields.some((field) => field.name === key)) {
          issues.push({
            path: [...valuePath(value, path), key],
            message: `is not a field of record ${name}`,
          });
        }
      }
    },
  });
  return issues;
}

/**
 * The Avro binary encoding of a JSON value (as JSON.parse gives it). Throws SchemaValueError naming every
 * field that does not fit.
 */
export function encodeAvro(compiled: CompiledAvro, value: unknown): Buffer {
  const converted = compiled.binary ? fromJson(compiled.type, value) : value;
  // One check in the common case; the detailed passes run only for a value that fails it.
  if (!compiled.type.isValid(converted, { noUndeclaredFields: true })) {
    throw new SchemaValueError(issuesOf(compiled, converted));
  }
  return compiled.type.toBuffer(converted);
}

function toJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
  return value;
}

/** The JSON value of an Avro binary payload, in the shape {@link encodeAvro} takes. Throws avsc's error. */
export function decodeAvro(compiled: CompiledAvro, payload: Uint8Array): unknown {
  const value: unknown = compiled.type.fromBuffer(
    Buffer.from(payload.buffer, payload.byteOffset, payload.length),
  );
  return compiled.binary ? toJson(value) : value;
}
