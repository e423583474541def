/**
 * Our own description language for Kafka's request and response layouts, and the codec driven by it.
 *
 * Every API module in ./messages declares its request and response as structs of typed fields, each with
 * the versions it exists in (Kafka's `versions`/`nullableVersions` convention: "3+", "0-4", "none"). From
 * a declaration and a version the codec compiles (once, then cached) a reader and a writer. Versions at or
 * past the API's first flexible version (KIP-482) use compact strings, bytes and arrays and end every
 * struct with a tagged-field section; this broker reads past tagged fields and writes none, since none of
 * the fields it needs is tagged. A field absent from a version decodes to its default and is not written.
 *
 * The layouts themselves follow Apache Kafka's message definitions
 * (clients/src/main/resources/common/message/*.json); the Kafka protocol guide explains the encoding:
 * https://kafka.apache.org/protocol
 */
import { ProtocolError, type Reader, type Writer } from './io.js';

/** Inclusive version bounds; `max` is Infinity for "N+". */
export type Versions = readonly [min: number, max: number];

/** Parses Kafka's version range notation: "3+", "0-4", "5" or "none". */
export function versions(spec: string): Versions {
  if (spec === 'none') return [1, 0];
  if (spec.endsWith('+')) return [Number(spec.slice(0, -1)), Number.POSITIVE_INFINITY];
  const [min, max = min] = spec.split('-').map(Number);
  if (min === undefined || max === undefined || Number.isNaN(min) || Number.isNaN(max)) {
    throw new Error(`bad version range ${spec}`);
  }
  return [min, max];
}

const within = (range: Versions | null, version: number) =>
  range !== null && version >= range[0] && version <= range[1];

type Scalar =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'uuid'
  | 'records';

/** One field of a struct: its type, the versions it exists in and its default. */
export interface Field<T> {
  readonly type: Scalar | 'array';
  readonly versions: Versions;
  /** Versions in which the value may be null (strings, bytes, arrays, records). */
  readonly nullable: Versions | null;
  readonly defaultValue: T;
  /** Array items: a scalar type or a struct. */
  readonly items?: Scalar | Struct<Record<string, unknown>>;
}

/** A struct: named fields in wire order. */
export interface Struct<T extends Record<string, unknown>> {
  readonly fields: { readonly [K in keyof T]: Field<T[K]> };
}

/** The TypeScript shape a struct declaration decodes to. */
export type Infer<S> = S extends Struct<infer T> ? T : never;

/** Record batches on the wire: one buffer when read, any number when written. */
export type Records = Buffer | readonly Buffer[];

type ScalarValue = {
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  int64: number;
  float64: number;
  bool: boolean;
  string: string;
  bytes: Buffer;
  uuid: string;
  records: Records;
};

const ZERO_UUID = '00000000000000000000000000000000';
const scalarDefaults: ScalarValue = {
  int8: 0,
  int16: 0,
  uint16: 0,
  int32: 0,
  int64: 0,
  float64: 0,
  bool: false,
  string: '',
  bytes: Buffer.alloc(0),
  uuid: ZERO_UUID,
  records: Buffer.alloc(0),
};

function scalar<K extends Scalar>(type: K) {
  return (spec = '0+', defaultValue: ScalarValue[K] = scalarDefaults[type]): Field<ScalarValue[K]> => ({
    type,
    versions: versions(spec),
    nullable: null,
    defaultValue,
  });
}

function nullableScalar<K extends 'string' | 'bytes' | 'records'>(type: K) {
  return (
    spec = '0+',
    nullableSpec = spec,
    defaultValue: ScalarValue[K] | null = null,
  ): Field<ScalarValue[K] | null> => ({
    type,
    versions: versions(spec),
    nullable: versions(nullableSpec),
    defaultValue,
  });
}

type Item = Scalar | Struct<Record<string, unknown>>;
type ItemValue<I> = I extends Scalar ? ScalarValue[I] : Infer<I>;

/** Field constructors; `spec` is the version range the field exists in. */
export const t = {
  int8: scalar('int8'),
  int16: scalar('int16'),
  uint16: scalar('uint16'),
  int32: scalar('int32'),
  int64: scalar('int64'),
  float64: scalar('float64'),
  bool: scalar('bool'),
  string: scalar('string'),
  bytes: scalar('bytes'),
  uuid: scalar('uuid'),
  nullableString: nullableScalar('string'),
  nullableBytes: nullableScalar('bytes'),
  records: nullableScalar('records'),
  array: <I extends Item>(items: I, spec = '0+'): Field<ItemValue<I>[]> => ({
    type: 'array',
    versions: versions(spec),
    nullable: null,
    defaultValue: [],
    items,
  }),
  nullableArray: <I extends Item>(
    items: I,
    spec = '0+',
    nullableSpec = spec,
  ): Field<ItemValue<I>[] | null> => ({
    type: 'array',
    versions: versions(spec),
    nullable: versions(nullableSpec),
    defaultValue: null,
    items,
  }),
  struct: <F extends Record<string, Field<unknown>>>(
    fields: F,
  ): Struct<{ [K in keyof F]: F[K] extends Field<infer T> ? T : never }> =>
    ({ fields }) as unknown as Struct<{ [K in keyof F]: F[K] extends Field<infer T> ? T : never }>,
};

type Decode = (reader: Reader) => unknown;
type Encode = (writer: Writer, value: unknown) => void;

function scalarDecoder(type: Scalar, flexible: boolean, nullable: boolean): Decode {
  switch (type) {
    case 'int8':
      return (r) => r.int8();
    case 'int16':
      return (r) => r.int16();
    case 'uint16':
      return (r) => r.uint16();
    case 'int32':
      return (r) => r.int32();
    case 'int64':
      return (r) => r.int64();
    case 'float64':
      return (r) => r.float64();
    case 'bool':
      return (r) => r.bool();
    case 'uuid':
      return (r) => r.uuid();
    case 'string':
      if (flexible) return nullable ? (r) => r.compactNullableString() : (r) => r.compactString();
      return nullable ? (r) => r.nullableString() : (r) => r.string();
    case 'bytes':
    case 'records':
      if (flexible) return nullable ? (r) => r.compactNullableBytes() : (r) => r.compactBytes();
      return nullable ? (r) => r.nullableBytes() : (r) => r.bytes();
  }
}

function recordsLength(value: Records): number {
  if (Buffer.isBuffer(value)) return value.length;
  let length = 0;
  for (const part of value as readonly Buffer[]) length += part.length;
  return length;
}

function scalarEncoder(type: Scalar, flexible: boolean): Encode {
  switch (type) {
    case 'int8':
      return (w, v) => w.int8(v as number);
    case 'int16':
      return (w, v) => w.int16(v as number);
    case 'uint16':
      return (w, v) => w.uint16(v as number);
    case 'int32':
      return (w, v) => w.int32(v as number);
    case 'int64':
      return (w, v) => w.int64(v as number);
    case 'float64':
      return (w, v) => w.float64(v as number);
    case 'bool':
      return (w, v) => w.bool(v as boolean);
    case 'uuid':
      return (w, v) => w.uuid(v as string);
    case 'string':
      return flexible
        ? (w, v) => w.compactNullableString(v as string | null)
        : (w, v) => w.nullableString(v as string | null);
    case 'bytes':
      return flexible
        ? (w, v) => w.compactNullableBytes(v as Buffer | null)
        : (w, v) => w.nullableBytes(v as Buffer | null);
    case 'records':
      return (w, v) => {
        if (v === null) {
          if (flexible) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        const records = v as Records;
        const length = recordsLength(records);
        if (flexible) w.uvarint(length + 1);
        else w.int32(length);
        if (Buffer.isBuffer(records)) w.raw(records);
        else for (const part of records as readonly Buffer[]) w.raw(part);
      };
  }
}

interface Compiled {
  decode: Decode;
  encode: Encode;
}

const compiledCache = new WeakMap<object, Map<string, Compiled>>();

function itemCodec(items: Item, version: number, flexible: boolean): Compiled {
  if (typeof items === 'string') {
    return { decode: scalarDecoder(items, flexible, false), encode: scalarEncoder(items, flexible) };
  }
  return compile(items, version, flexible);
}

function fieldCodec(field: Field<unknown>, name: string, version: number, flexible: boolean): Compiled {
  const nullable = within(field.nullable, version);
  if (field.type !== 'array') {
    return {
      decode: scalarDecoder(field.type, flexible, nullable),
      encode: scalarEncoder(field.type, flexible),
    };
  }
  const item = itemCodec(field.items as Item, version, flexible);
  return {
    decode: (r) => {
      const count = flexible ? r.uvarint() - 1 : r.int32();
      if (count < 0) {
        if (!nullable) throw new ProtocolError(`null array ${name}`);
        return null;
      }
      if (count > r.remaining) throw new ProtocolError(`array ${name} of ${count} items exceeds the request`);
      const values = new Array(count);
      for (let i = 0; i < count; i++) values[i] = item.decode(r);
      return values;
    },
    encode: (w, v) => {
      if (v === null || v === undefined) {
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const values = v as unknown[];
      if (flexible) w.uvarint(values.length + 1);
      else w.int32(values.length);
      for (const value of values) item.encode(w, value);
    },
  };
}

/**
 * The reader and writer of `struct` at `version`; `flexible` says whether that version of the API is
 * flexible. Compiled once per struct and version.
 */
function compile(struct: Struct<Record<string, unknown>>, version: number, flexible: boolean): Compiled {
  let byVersion = compiledCache.get(struct);
  if (!byVersion) {
    byVersion = new Map();
    compiledCache.set(struct, byVersion);
  }
  const key = `${version}:${flexible}`;
  const cached = byVersion.get(key);
  if (cached) return cached;

  const present: { name: string; codec: Compiled }[] = [];
  const absent: { name: string; value: unknown }[] = [];
  for (const [name, field] of Object.entries(struct.fields) as [string, Field<unknown>][]) {
    if (within(field.versions, version))
      present.push({ name, codec: fieldCodec(field, name, version, flexible) });
    else absent.push({ name, value: field.defaultValue });
  }
  const compiled: Compiled = {
    decode: (r) => {
      const value: Record<string, unknown> = {};
      for (const { name, codec } of present) value[name] = codec.decode(r);
      for (const { name, value: fallback } of absent) value[name] = Array.isArray(fallback) ? [] : fallback;
      if (flexible) r.skipTaggedFields();
      return value;
    },
    encode: (w, v) => {
      const value = v as Record<string, unknown>;
      for (const { name, codec } of present) {
        const fieldValue = value[name];
        codec.encode(w, fieldValue === undefined ? defaultOf(struct, name) : fieldValue);
      }
      if (flexible) w.noTaggedFields();
    },
  };
  byVersion.set(key, compiled);
  return compiled;
}

function defaultOf(struct: Struct<Record<string, unknown>>, name: string): unknown {
  return (struct.fields as Record<string, Field<unknown>>)[name]?.defaultValue;
}

/** An API as this broker implements it: key, supported versions, and request/response layouts. */
export interface Api<Req extends Record<string, unknown>, Res extends Record<string, unknown>> {
  readonly key: number;
  readonly name: string;
  /** The versions this broker implements and advertises. */
  readonly min: number;
  readonly max: number;
  /** Kafka's first flexible version of this API (Infinity when none). */
  readonly firstFlexible: number;
  readonly request: Struct<Req>;
  readonly response: Struct<Res>;
}

export function api<Req extends Record<string, unknown>, Res extends Record<string, unknown>>(
  definition: Api<Req, Res>,
): Api<Req, Res> {
  return definition;
}

export function decodeRequest<Req extends Record<string, unknown>>(
  definition: Api<Req, Record<string, unknown>>,
  version: number,
  reader: Reader,
): Req {
  const { decode } = compile(
    definition.request as Struct<Record<string, unknown>>,
    version,
    version >= definition.firstFlexible,
  );
  return decode(reader) as Req;
}

export function encodeResponse<Res extends Record<string, unknown>>(
  definition: Api<Record<string, unknown>, Res>,
  version: number,
  writer: Writer,
  // Fields absent from `version` may be left out; missing ones are written as their defaults.
  value: Partial<Res>,
): void {
  const { encode } = compile(
    definition.response as Struct<Record<string, unknown>>,
    version,
    version >= definition.firstFlexible,
  );
  encode(writer, value);
}

/** Encodes a request (tests and tools that play a client). */
export function encodeRequest<Req extends Record<string, unknown>>(
  definition: Api<Req, Record<string, unknown>>,
  version: number,
  writer: Writer,
  value: Req,
): void {
  const { encode } = compile(
    definition.request as Struct<Record<string, unknown>>,
    version,
    version >= definition.firstFlexible,
  );
  encode(writer, value);
}

/** Decodes a response (tests and tools that play a client). */
export function decodeResponse<Res extends Record<string, unknown>>(
  definition: Api<Record<string, unknown>, Res>,
  version: number,
  reader: Reader,
): Res {
  const { decode } = compile(
    definition.response as Struct<Record<string, unknown>>,
    version,
    version >= definition.firstFlexible,
  );
  return decode(reader) as Res;
}
