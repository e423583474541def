/**
 * JSON values checked against a JSON Schema with @cfworker/json-schema, an interpreting validator (ajv
 * compiles each schema to JavaScript and would not fit the produce function's bundle: docs/deploy.md). The
 * dialect is the one `$schema` names (draft-04, -06 as -07, 2019-09, 2020-12), draft-07 when it names none,
 * as Confluent's serializers assume. Unlike ajv's default, `format` is checked for the formats the
 * validator knows (date-time, email, uri, uuid, ...). The payload is the value's JSON text, UTF-8.
 */
import { type OutputUnit, type SchemaDraft, Validator } from '@cfworker/json-schema';
import { type FieldIssue, SchemaCompileError, SchemaValueError } from './codec.js';

export interface CompiledJsonSchema {
  validator: Validator;
}

/** A referenced schema and the URL the schema's `$ref`s name it by. */
export interface NamedSchema {
  name: string;
  schema: string;
}

function draftOf(schema: unknown): SchemaDraft {
  const dialect =
    typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  const url = typeof dialect === 'string' ? dialect : '';
  if (url.includes('2020-12')) return '2020-12';
  if (url.includes('2019-09')) return '2019-09';
  if (url.includes('draft-04')) return '4';
  return '7';
}

/** Compiles `schema` (JSON text) with the schemas its `$ref`s name. Throws SchemaCompileError. */
export function compileJsonSchema(
  schema: string,
  references: readonly NamedSchema[] = [],
): CompiledJsonSchema {
  try {
    const root = JSON.parse(schema) as object | boolean;
    if (typeof root !== 'boolean' && (typeof root !== 'object' || root === null || Array.isArray(root))) {
      throw new Error('a schema is an object or a boolean');
    }
    const validator = new Validator(root, draftOf(root), false);
    for (const reference of references) validator.addSchema(JSON.parse(reference.schema), reference.name);
    return { validator };
  } catch (error) {
    throw new SchemaCompileError(`invalid JSON Schema: ${(error as Error).message}`);
  }
}

/** A JSON pointer (`#/items/0/qty`) as keys and array indexes, following the value. */
function pointerPath(value: unknown, pointer: string): (string | number)[] {
  const segments = pointer.replace(/^#\/?/, '');
  if (segments === '') return [];
  let current = value;
  return segments.split('/').map((escaped) => {
    const segment = decodeURIComponent(escaped).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      current = current[index];
      return index;
    }
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string, unknown>)[segment]
        : undefined;
    return segment;
  });
}

/**
 * The validator's output, keeping the innermost problems: a unit that only says that something below it
 * failed ("Property "price" does not match schema") is dropped when the units below it are there.
 */
function issuesOf(value: unknown, errors: readonly OutputUnit[]): FieldIssue[] {
  const deeper = (location: string) =>
    errors.some((other) => other.instanceLocation.startsWith(`${location}/`));
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    let path = pointerPath(value, error.instanceLocation);
    let message = error.error;
    if (error.keyword === 'required') {
      const missing = /"(.*)"\.?$/.exec(error.error)?.[1];
      if (missing !== undefined) {
        path = [...path, missing];
        message = 'required';
      }
    } else if (deeper(error.instanceLocation)) {
      continue;
    } else if (error.keyword === 'false') {
      message = 'is not allowed by the schema';
    }
    const key = JSON.stringify([path, message]);
    if (!seen.has(key)) issues.push({ path, message });
    seen.add(key);
  }
  return issues;
}

/**
 * The UTF-8 JSON of a value that fits the schema: `source` (the value's own JSON text, as the client sent
 * it) when given, else the value serialized. Throws SchemaValueError naming every field that does not fit.
 */
export function encodeJsonSchema(compiled: CompiledJsonSchema, value: unknown, source?: Buffer): Buffer {
  validate(compiled, value);
  return source ?? Buffer.from(JSON.stringify(value), 'utf8');
}

function validate(compiled: CompiledJsonSchema, value: unknown): void {
  let result: ReturnType<Validator['validate']>;
  try {
    result = compiled.validator.validate(value);
  } catch (error) {
    // The validator writes each object key it visits into a URI, which a lone surrogate cannot be in.
    if (!(error instanceof URIError)) throw error;
    throw new SchemaValueError([
      {
        path: [],
        message: 'has an object key with a lone surrogate, which the JSON Schema validator cannot check',
      },
    ]);
  }
  if (!result.valid) throw new SchemaValueError(issuesOf(value, result.errors));
}

/** The JSON value of a payload (its UTF-8 JSON text), validated. Throws SchemaValueError or SyntaxError. */
export function decodeJsonSchema(compiled: CompiledJsonSchema, payload: Uint8Array): unknown {
  const value: unknown = JSON.parse(
    Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'),
  );
  validate(compiled, value);
  return value;
}
