/**
 * JSON Schema, validated by compiling it with ajv (draft-07 by default; 2019-09 and 2020-12 when `$schema`
 * names them; draft-06 with its meta-schema). Compatibility is a subset of Confluent's JSON Schema diff
 * (io.confluent.kafka.schemaregistry.json.diff.SchemaDiff, its STRICT policy), reading the old schema as
 * the writer and the new one as the reader. docs/schema-registry.md lists what is and is not compared.
 */
import { Ajv, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { invalidSchema } from '../errors.js';
import { type ParsedSchema, type ResolvedReference, sortedJson } from './format.js';

type Json = boolean | { [key: string]: unknown };

const AJV_OPTIONS: Options = { strict: false, validateFormats: false, logger: false, allErrors: false };

function validator(dialect: unknown) {
  const url = typeof dialect === 'string' ? dialect : '';
  if (url.includes('2020-12')) return new Ajv2020(AJV_OPTIONS);
  if (url.includes('2019-09')) return new Ajv2019(AJV_OPTIONS);
  const ajv = new Ajv(AJV_OPTIONS);
  if (url.includes('draft-06')) ajv.addMetaSchema(draft06);
  return ajv;
}

/** A schema together with the document its local `$ref`s point into. */
interface Node {
  schema: Json;
  root: Json;
}

class JsonSchema implements ParsedSchema {
  readonly schemaType = 'JSON';

  constructor(
    readonly canonical: string,
    readonly json: Json,
    readonly documents: Map<string, Json>,
  ) {}

  normalized(): string {
    return sortedJson(this.json);
  }

  readErrors(writer: ParsedSchema): string[] {
    if (!(writer instanceof JsonSchema)) return ['Incompatible because of different schema type'];
    const diff = new Diff(writer.documents, this.documents);
    diff.compare({ schema: writer.json, root: writer.json }, { schema: this.json, root: this.json }, '#');
    return diff.problems.map(
      ({ type, path }) =>
        `{errorType:'${type}', description:'Found incompatible change: ${type} at ${path}'}`,
    );
  }

  formatted(): string | undefined {
    return undefined;
  }
}

function parseDocument(text: string): Json {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`Invalid schema of type JSON, details: ${(error as Error).message}`, error);
  }
  if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json)))
    throw invalidSchema(`Invalid schema of type JSON, details: a JSON Schema is an object or a boolean`);
  return json as Json;
}

/**
 * Parses and compiles a JSON Schema; `references` are schemas its `$ref`s name by their reference name.
 * Throws a 42201 RegistryError when it is not valid JSON Schema.
 */
export function parseJsonSchema(text: string, references: ResolvedReference[]): ParsedSchema {
  const json = parseDocument(text);
  const documents = new Map<string, Json>();
  const dialect = typeof json === 'object' ? json.$schema : undefined;
  const ajv = validator(typeof dialect === 'string' && dialect.includes('draft-04') ? undefined : dialect);
  try {
    for (const reference of references) {
      const document = parseDocument(reference.schema);
      documents.set(reference.name, document);
      if (!ajv.getSchema(reference.name)) ajv.addSchema(withoutDraft04(document) as object, reference.name);
    }
    ajv.compile(withoutDraft04(json) as object);
  } catch (error) {
    if ((error as { errorCode?: unknown }).errorCode !== undefined) throw error;
    throw invalidSchema(`Invalid schema of type JSON, details: ${(error as Error).message}`, error);
  }
  return new JsonSchema(JSON.stringify(json), json, documents);
}

/** ajv has no draft-04 meta-schema: such schemas are compiled as draft-07. */
function withoutDraft04(json: Json): Json {
  if (typeof json === 'boolean' || typeof json.$schema !== 'string' || !json.$schema.includes('draft-04'))
    return json;
  const { $schema: _dialect, ...rest } = json;
  return rest;
}

// ---- compatibility --------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function types(schema: Json): Set<string> | undefined {
  if (typeof schema === 'boolean') return undefined;
  const type = schema.type;
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((item): item is string => typeof item === 'string'));
  return undefined;
}

/** Whether a schema accepts anything: `true` or `{}` (annotations aside). */
function isEmpty(schema: Json): boolean {
  if (typeof schema === 'boolean') return schema;
  const annotations = new Set([
    '$schema',
    '$id',
    'id',
    'title',
    'description',
    'default',
    'examples',
    '$comment',
  ]);
  return Object.keys(schema).every((key) => annotations.has(key));
}

const same = (a: unknown, b: unknown) => sortedJson(a) === sortedJson(b);

/** A subschema (absent means anything) in its document. */
const sub = (schema: unknown, root: Json): Node => ({ schema: (schema ?? true) as Json, root });

/** The writer's and the reader's schema at one path, resolved, with their documents. */
interface Pair {
  w: Record<string, unknown>;
  r: Record<string, unknown>;
  writerRoot: Json;
  readerRoot: Json;
  path: string;
}

/** Confluent's content models: additionalProperties/additionalItems absent or true (open), false (closed), a schema (partial). */
function contentModel(value: unknown): 'open' | 'closed' | Json {
  if (value === undefined || value === true) return 'open';
  if (value === false) return 'closed';
  return isObject(value) ? (value as Json) : 'open';
}

class Diff {
  readonly problems: { type: string; path: string }[] = [];
  private readonly visited = new Set<string>();

  constructor(
    private readonly writerDocuments: Map<string, Json>,
    private readonly readerDocuments: Map<string, Json>,
  ) {}

  private add(type: string, path: string): void {
    this.problems.push({ type, path });
  }

  /** Follows `$ref` (local JSON pointers and references by name) to the schema it stands for. */
  private resolve(node: Node, documents: Map<string, Json>): Node {
    let current = node;
    for (let hops = 0; hops < 32; hops++) {
      const { schema } = current;
      if (typeof schema === 'boolean' || typeof schema.$ref !== 'string') return current;
      const [base = '', pointer = ''] = schema.$ref.split('#', 2);
      const root = base === '' ? current.root : documents.get(base);
      if (root === undefined) return { schema: true, root: current.root };
      let target: unknown = root;
      for (const token of pointer.split('/').slice(1)) {
        const key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
        target =
          isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined;
      }
      if (typeof target !== 'boolean' && !isObject(target)) return { schema: true, root };
      current = { schema: target as Json, root };
    }
    return current;
  }

  compare(writerNode: Node, readerNode: Node, path: string): void {
    const writer = this.resolve(writerNode, this.writerDocuments);
    const reader = this.resolve(readerNode, this.readerDocuments);
    const key = `${sortedJson(writer.schema)}\u0000${sortedJson(reader.schema)}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    if (isEmpty(reader.schema)) return;
    if (writer.schema === false) return;
    if (isEmpty(writer.schema) || reader.schema === false) {
      this.add('TYPE_NARROWED', path);
      return;
    }
    const w = writer.schema as Record<string, unknown>;
    const r = reader.schema as Record<string, unknown>;
    const pair: Pair = { w, r, writerRoot: writer.root, readerRoot: reader.root, path };

    if (this.compareCombined(pair)) return;

    const writerTypes = types(w);
    const readerTypes = types(r);
    if (readerTypes) {
      if (!writerTypes) this.add('TYPE_NARROWED', path);
      else {
        const accepted = (type: string) =>
          readerTypes.has(type) || (type === 'integer' && readerTypes.has('number'));
        const missing = [...writerTypes].filter((type) => !accepted(type));
        if (missing.length === writerTypes.size) this.add('TYPE_CHANGED', path);
        else if (missing.length > 0) this.add('TYPE_NARROWED', path);
      }
    }

    this.compareBounds(pair);
    this.compareEnum(pair);
    this.compareObject(pair);
    this.compareArray(pair);
  }

  /** oneOf/anyOf: every alternative the writer allowed must be readable by one the reader allows. */
  private compareCombined({ w, r, writerRoot, readerRoot, path }: Pair): boolean {
    const alternatives = (schema: Record<string, unknown>) =>
      (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined) as
        | Json[]
        | undefined;
    const writerAlternatives = alternatives(w);
    const readerAlternatives = alternatives(r);
    if (!writerAlternatives && !readerAlternatives) return false;
    const readable = (writerSchema: Json, writerDoc: Json, readerSchemas: Json[]) =>
      readerSchemas.some((readerSchema, index) => {
        const trial = new Diff(this.writerDocuments, this.readerDocuments);
        trial.compare(
          { schema: writerSchema, root: writerDoc },
          { schema: readerSchema, root: readerRoot },
          `${path}/${index}`,
        );
        return trial.problems.length === 0;
      });
    const fromWriter = writerAlternatives ?? [w as Json];
    const toReader = readerAlternatives ?? [r as Json];
    if (!fromWriter.every((schema) => readable(schema, writerRoot, toReader)))
      this.add(readerAlternatives ? 'SUM_TYPE_NARROWED' : 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', path);
    return true;
  }

  private compareBounds({ w, r, path }: Pair): void {
    // [keyword, the reader's value is looser when it is this much greater (+1) or smaller (-1), name]
    const bounds: [string, 1 | -1, string][] = [
      ['maxLength', 1, 'MAX_LENGTH'],
      ['minLength', -1, 'MIN_LENGTH'],
      ['maximum', 1, 'MAXIMUM'],
      ['minimum', -1, 'MINIMUM'],
      ['exclusiveMaximum', 1, 'EXCLUSIVE_MAXIMUM'],
      ['exclusiveMinimum', -1, 'EXCLUSIVE_MINIMUM'],
      ['maxItems', 1, 'MAX_ITEMS'],
      ['minItems', -1, 'MIN_ITEMS'],
      ['maxProperties', 1, 'MAX_PROPERTIES'],
      ['minProperties', -1, 'MIN_PROPERTIES'],
    ];
    for (const [keyword, looser, name] of bounds) {
      const before = w[keyword];
      const after = r[keyword];
      if (typeof after !== 'number') continue;
      if (typeof before !== 'number') this.add(`${name}_ADDED`, path);
      else if ((after - before) * looser < 0)
        this.add(`${name}_${looser > 0 ? 'DECREASED' : 'INCREASED'}`, path);
    }
    if (r.multipleOf !== undefined) {
      const before = w.multipleOf;
      const after = r.multipleOf;
      if (typeof before !== 'number') this.add('MULTIPLE_OF_ADDED', path);
      else if (typeof after === 'number' && (before / after) % 1 !== 0) this.add('MULTIPLE_OF_CHANGED', path);
    }
    if (r.pattern !== undefined && r.pattern !== w.pattern)
      this.add(w.pattern === undefined ? 'PATTERN_ADDED' : 'PATTERN_CHANGED', path);
    if (r.uniqueItems === true && w.uniqueItems !== true) this.add('UNIQUE_ITEMS_ADDED', path);
    if (r.const !== undefined && !same(r.const, w.const)) this.add('CONST_CHANGED', path);
  }

  private compareEnum({ w, r, path }: Pair): void {
    if (!Array.isArray(r.enum)) return;
    if (!Array.isArray(w.enum)) {
      this.add('ENUM_ARRAY_ADDED', path);
      return;
    }
    const allowed = new Set(r.enum.map((value) => sortedJson(value)));
    if (w.enum.some((value) => !allowed.has(sortedJson(value)))) this.add('ENUM_ARRAY_NARROWED', path);
  }

  private compareObject({ w, r, writerRoot, readerRoot, path }: Pair): void {
    const writerProperties = (isObject(w.properties) ? w.properties : {}) as Record<string, unknown>;
    const readerProperties = (isObject(r.properties) ? r.properties : {}) as Record<string, unknown>;
    const writerRequired = new Set(Array.isArray(w.required) ? (w.required as string[]) : []);
    const readerRequired = new Set(Array.isArray(r.required) ? (r.required as string[]) : []);
    const writerModel = contentModel(w.additionalProperties);
    const readerModel = contentModel(r.additionalProperties);

    for (const [name, readerSchema] of Object.entries(readerProperties)) {
      const at = `${path}/properties/${name}`;
      if (name in writerProperties) {
        this.compare(sub(writerProperties[name], writerRoot), sub(readerSchema, readerRoot), at);
        continue;
      }
      if (writerModel === 'open') {
        if (!isEmpty(readerSchema as Json)) this.add('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at);
      } else if (writerModel !== 'closed') {
        const trial = new Diff(this.writerDocuments, this.readerDocuments);
        trial.compare(sub(writerModel, writerRoot), sub(readerSchema, readerRoot), at);
        if (trial.problems.length > 0)
          this.add('PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at);
      }
    }
    for (const [name, writerSchema] of Object.entries(writerProperties)) {
      if (name in readerProperties || writerSchema === false) continue;
      const at = `${path}/properties/${name}`;
      if (readerModel === 'closed') this.add('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at);
      else if (readerModel !== 'open') {
        const trial = new Diff(this.writerDocuments, this.readerDocuments);
        trial.compare(sub(writerSchema, writerRoot), sub(readerModel, readerRoot), at);
        if (trial.problems.length > 0)
          this.add('PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at);
      }
    }
    for (const name of readerRequired) {
      const property = readerProperties[name];
      const hasDefault = isObject(property) && 'default' in property;
      if (!writerRequired.has(name) && !hasDefault)
        this.add('REQUIRED_ATTRIBUTE_ADDED', `${path}/required/${name}`);
    }
    if (writerModel === 'open' && readerModel === 'closed') this.add('ADDITIONAL_PROPERTIES_REMOVED', path);
    else if (writerModel === 'open' && readerModel !== 'open' && readerModel !== 'closed')
      this.add('ADDITIONAL_PROPERTIES_NARROWED', path);
    else if (typeof writerModel === 'object' && readerModel === 'closed')
      this.add('ADDITIONAL_PROPERTIES_REMOVED', path);
    else if (typeof writerModel === 'object' && typeof readerModel === 'object')
      this.compare(
        sub(writerModel, writerRoot),
        sub(readerModel, readerRoot),
        `${path}/additionalProperties`,
      );
  }

  private compareArray({ w, r, writerRoot, readerRoot, path }: Pair): void {
    const itemsOf = (schema: Record<string, unknown>) => schema.prefixItems ?? schema.items;
    const writerItems = itemsOf(w);
    const readerItems = itemsOf(r);
    if (readerItems === undefined) return;
    if (Array.isArray(readerItems)) {
      const writerTuple = Array.isArray(writerItems) ? writerItems : [];
      readerItems.forEach((item, index) => {
        const before = Array.isArray(writerItems) ? writerTuple[index] : writerItems;
        this.compare(sub(before, writerRoot), sub(item, readerRoot), `${path}/items/${index}`);
      });
      return;
    }
    if (Array.isArray(writerItems)) {
      for (const [index, item] of writerItems.entries())
        this.compare(sub(item, writerRoot), sub(readerItems, readerRoot), `${path}/items/${index}`);
    } else this.compare(sub(writerItems, writerRoot), sub(readerItems, readerRoot), `${path}/items`);
  }
}
