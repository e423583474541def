/**
 * Every request and response layout of every API the broker advertises, at every version it advertises:
 * a value built from the declaration (each field set, null where the version allows) encodes and decodes
 * back to itself, so no version of any layout is lopsided.
 */
import { describe, expect, it } from 'vitest';
import { handlers } from '../../../../src/broker/apis/index.js';
import { Reader, Writer } from '../../../../src/broker/protocol/io.js';
import {
  type Api,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Field,
  type Struct,
} from '../../../../src/broker/protocol/schema.js';

const inRange = (range: readonly [number, number] | null, version: number) =>
  range !== null && version >= range[0] && version <= range[1];

/** A sample value of `struct` at `version`; `nulls` picks null for fields that may be null. */
function sample(
  struct: Struct<Record<string, unknown>>,
  version: number,
  nulls: boolean,
  depth = 0,
): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  let n = 1;
  for (const [name, field] of Object.entries(struct.fields) as [string, Field<unknown>][]) {
    n++;
    if (!inRange(field.versions, version)) {
      value[name] = Array.isArray(field.defaultValue) ? [] : field.defaultValue;
      continue;
    }
    if (nulls && inRange(field.nullable, version)) {
      value[name] = null;
      continue;
    }
    value[name] = scalarSample(field, version, nulls, depth, n);
  }
  return value;
}

function scalarSample(
  field: Field<unknown>,
  version: number,
  nulls: boolean,
  depth: number,
  n: number,
): unknown {
  switch (field.type) {
    case 'int8':
      return n % 100;
    case 'int16':
    case 'uint16':
      return 1000 + n;
    case 'int32':
      return 100_000 + n;
    case 'int64':
      return 2 ** 40 + n;
    case 'float64':
      return n + 0.5;
    case 'bool':
      return n % 2 === 0;
    case 'string':
      return `s${n}-ü`;
    case 'bytes':
    case 'records':
      return Buffer.from([n, n + 1, n + 2]);
    case 'uuid':
      return n.toString(16).padStart(32, '0');
    case 'array': {
      const items = field.items;
      if (typeof items === 'string')
        return [
          scalarSample(
            { ...field, type: items, items: undefined } as Field<unknown>,
            version,
            nulls,
            depth,
            n,
          ),
        ];
      return depth > 4 ? [] : [sample(items as Struct<Record<string, unknown>>, version, nulls, depth + 1)];
    }
  }
}

const cases = handlers.flatMap(({ api }) => {
  const versions: number[] = [];
  for (let v = api.min; v <= api.max; v++) versions.push(v);
  return versions.map((version) => [api.name, version, api] as const);
});

/** What `encode` writes, `decode` reads back as `value`, to the last byte. */
function expectRoundTrip(encode: (w: Writer) => void, decode: (r: Reader) => unknown, value: unknown) {
  const w = new Writer();
  encode(w);
  const r = new Reader(Buffer.from(w.result()));
  expect(decode(r)).toEqual(value);
  expect(r.remaining).toBe(0);
}

describe('every advertised layout round-trips', () => {
  it.each(cases)('%s v%i', (_, version, api) => {
    const definition = api as Api<Record<string, unknown>, Record<string, unknown>>;
    for (const nulls of [false, true]) {
      const request = sample(definition.request, version, nulls);
      expectRoundTrip(
        (w) => encodeRequest(definition, version, w, request),
        (r) => decodeRequest(definition, version, r),
        request,
      );
      const response = sample(definition.response, version, nulls);
      expectRoundTrip(
        (w) => encodeResponse(definition, version, w, response),
        (r) => decodeResponse(definition, version, r),
        response,
      );
    }
  });
});
