import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { decodeRecord, type ValueFormat } from '../../../src/shared/consumer/decode.js';
import { deadLetterRecord } from '../../../src/shared/consumer/output.js';
import { kafkaRecord } from '../../support/kafka-events.js';

const json: ValueFormat<{ n: number }> = { format: 'json', schema: z.object({ n: z.number() }) };
const text: ValueFormat<string> = { format: 'text', schema: z.string() };

describe('decodeRecord', () => {
  it('undoes base64 and signed header bytes, keeping repeated and binary headers', async () => {
    // Prepare
    const record = kafkaRecord({
      topic: 't',
      partition: 1,
      offset: 5,
      key: 'user-ë',
      value: { n: 1 },
      headers: [
        ['name', 'ë'],
        ['bin', Buffer.from([0, 255, 128])],
        ['name', 'second'],
      ],
    });

    // Act
    const decoded = await decodeRecord(record, { value: json });

    // Assess
    expect(record.headers?.[0]).toEqual({ name: [-61, -85] });
    expect(decoded.kind).toBe('record');
    if (decoded.kind !== 'record') return;
    expect(decoded.record.data).toEqual({ n: 1 });
    expect(decoded.record.key?.toString()).toBe('user-ë');
    expect(decoded.record.headers.name?.map(String)).toEqual(['ë', 'second']);
    expect(decoded.record.headers.bin?.[0]).toEqual(Buffer.from([0, 255, 128]));
    expect(decoded.record.bytes).toBe(7 + 7 + (4 + 2) + (3 + 3) + (4 + 6));
  });

  it('keeps header names that are properties of a JavaScript object, and dead-letters them as they came', async () => {
    // Prepare
    const record = kafkaRecord({
      topic: 't',
      partition: 0,
      offset: 1,
      value: 'not json',
      headers: [
        ['constructor', 'c'],
        ['__proto__', 'p'],
        ['constructor', 'c2'],
      ],
    });

    // Act
    const decoded = await decodeRecord(record, { value: json });

    // Assess
    expect(decoded.kind).toBe('poison');
    if (decoded.kind !== 'poison') return;
    const dead = deadLetterRecord(decoded.record, decoded.error, 'fn', 0);
    // A name read through a variable: `headers.constructor` would be Object's own, not a header.
    const own = (headers: Record<string, Buffer[]>, name: string) =>
      Object.hasOwn(headers, name) ? headers[name]?.map(String) : undefined;
    for (const headers of [decoded.record.headers, dead.headers]) {
      expect(own(headers, 'constructor')).toEqual(['c', 'c2']);
      expect(own(headers, '__proto__')).toEqual(['p']);
    }
  });

  it('reads a record with no key field as a null key, and an empty key as empty bytes', async () => {
    // Act
    const absent = await decodeRecord(kafkaRecord({ topic: 't', offset: 0, value: 'a' }), { value: text });
    const empty = await decodeRecord(kafkaRecord({ topic: 't', offset: 1, key: '', value: 'a' }), {
      value: text,
    });

    // Assess
    expect(absent.record.key).toBeNull();
    expect(empty.record.key).toEqual(Buffer.alloc(0));
  });

  it('reads both tombstone forms as tombstones', async () => {
    // Act
    const nullValue = await decodeRecord(kafkaRecord({ topic: 't', offset: 0, key: 'k', value: null }), {
      value: json,
    });
    const noValue = await decodeRecord(kafkaRecord({ topic: 't', offset: 1, key: 'k' }), { value: json });

    // Assess
    expect(nullValue.kind).toBe('tombstone');
    expect(noValue.kind).toBe('tombstone');
    expect(noValue.record.value).toBeNull();
  });

  it.each([
    ['bytes that are not UTF-8', Buffer.from([0xc3, 0x28]), text, 'RECORD_UNDECODABLE', 'UTF-8'],
    ['text that is not JSON', '{"n":', json, 'RECORD_UNDECODABLE', 'JSON'],
    ['JSON that breaks the schema', { n: 'secret-value' }, json, 'RECORD_SCHEMA_INVALID', 'n:'],
  ] as const)('classifies %s as poison (%s)', async (_, value, format, code, mentions) => {
    // Act
    const decoded = await decodeRecord(kafkaRecord({ topic: 't', offset: 0, value }), {
      value: format as ValueFormat<unknown>,
    });

    // Assess
    expect(decoded.kind).toBe('poison');
    if (decoded.kind !== 'poison') return;
    expect(decoded.error.code).toBe(code);
    expect(decoded.error.retriable).toBe(false);
    expect(decoded.error.message).toContain(mentions);
    // The value never reaches the message: it may hold secrets.
    expect(decoded.error.message).not.toContain('secret-value');
    expect(decoded.record.value).toEqual(
      Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    );
  });

  it('classifies broken base64 as undecodable and keeps what bytes there are', async () => {
    // Prepare
    const record = { ...kafkaRecord({ topic: 't', offset: 0, key: 'k' }), value: 'no*base64' };

    // Act
    const decoded = await decodeRecord(record, { value: text });

    // Assess
    expect(decoded.kind).toBe('poison');
    if (decoded.kind !== 'poison') return;
    expect(decoded.error.message).toBe('value is not valid base64');
    expect(decoded.record.key?.toString()).toBe('k');
  });
});
