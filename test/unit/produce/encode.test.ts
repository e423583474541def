import { describe, expect, it } from 'vitest';
import {
  encodeData,
  encodeHeaders,
  encodeRecords,
  toEpochMillis,
} from '../../../src/shared/produce/encode.js';
import { ProduceRequest } from '../../../src/shared/produce/schema.js';

describe('encoding', () => {
  it.each([
    ['json object', { a: [1, 'é'] }, 'json', '{"a":[1,"é"]}'],
    ['json string', 'text', 'json', '"text"'],
    ['json number', 12.5, 'json', '12.5'],
    ['json boolean', false, 'json', 'false'],
    ['string', 'ünïcode ✓', 'string', 'ünïcode ✓'],
    [
      'binary',
      Buffer.from([0, 255, 128]).toString('base64'),
      'binary',
      Buffer.from([0, 255, 128]).toString('latin1'),
    ],
  ] as const)('encodes a %s', (_, data, format, expected) => {
    const bytes = encodeData(data, format);
    expect(format === 'binary' ? bytes?.toString('latin1') : bytes?.toString('utf8')).toBe(expected);
  });

  it('keeps null and absent as no bytes (tombstone, no key)', () => {
    expect(encodeData(null, 'json')).toBeNull();
    expect(encodeData(undefined, 'string')).toBeNull();
  });

  it('encodes text, binary and repeated headers', () => {
    expect(encodeHeaders({ a: 'x', b: { base64: 'AP8=' }, c: ['1', { base64: 'Ag==' }] })).toEqual({
      a: [Buffer.from('x')],
      b: [Buffer.from([0, 255])],
      c: [Buffer.from('1'), Buffer.from([2])],
    });
  });

  it('keeps every header name, __proto__ and constructor included', () => {
    const request = ProduceRequest.parse(
      JSON.parse('{"records":[{"value":1,"headers":{"__proto__":"p","constructor":["c1","c2"],"":"e"}}]}'),
    );

    const [record] = encodeRecords(request, 7);

    expect(Object.entries(record?.headers ?? {})).toEqual([
      ['__proto__', [Buffer.from('p')]],
      ['constructor', [Buffer.from('c1'), Buffer.from('c2')]],
      ['', [Buffer.from('e')]],
    ]);
  });

  it('reads epoch milliseconds and ISO-8601 timestamps', () => {
    expect(toEpochMillis(undefined, 99)).toBe(99);
    expect(toEpochMillis(1234, 99)).toBe(1234);
    expect(toEpochMillis('2026-01-01T00:00:00.250+01:00', 99)).toBe(Date.parse('2025-12-31T23:00:00.250Z'));
  });

  it('applies the request formats to every record', () => {
    const request = ProduceRequest.parse({
      keyFormat: 'json',
      valueFormat: 'string',
      records: [{ key: { id: 1 }, value: 'v', partition: 2 }],
    });

    const [record] = encodeRecords(request, 7);

    expect(record).toEqual({
      key: Buffer.from('{"id":1}'),
      value: Buffer.from('v'),
      headers: {},
      partition: 2,
      timestamp: 7,
    });
  });

  it("writes json keys and values as the body's own text, other formats as before", () => {
    // Prepare
    const text =
      '{"keyFormat": "json", "records": [{"key": {"id": 1.0}, "value": [ 12345678901234567890 ]}, {"key": null, "value": "\\u00e9"}]}';
    const asString = '{"valueFormat": "string", "records": [{"key": "k", "value": "\\u00e9"}]}';

    // Act
    const json = encodeRecords(ProduceRequest.parse(JSON.parse(text)), 7, Buffer.from(text));
    const [string] = encodeRecords(ProduceRequest.parse(JSON.parse(asString)), 7, Buffer.from(asString));

    // Assess
    expect(json.map((r) => [r.key?.toString() ?? null, r.value?.toString()])).toEqual([
      ['{"id": 1.0}', '[ 12345678901234567890 ]'],
      [null, '"\\u00e9"'],
    ]);
    expect([string?.key?.toString(), string?.value?.toString()]).toEqual(['k', 'é']);
  });
});
