import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fieldName, issuesToDetails } from '../../../src/shared/http/request.js';
import { epochMillis, exactRecord, Timestamp, utf8Text } from '../../../src/shared/http/schema.js';

describe('exactRecord', () => {
  const headers = exactRecord(utf8Text(), z.string());

  it('keeps every key of the input, __proto__ and constructor included, in order', () => {
    // Prepare: JSON.parse makes `__proto__` an own key, as a request body does.
    const input = JSON.parse('{"a":"1","__proto__":"2","constructor":"3","\\u0000__proto__":"4","":"5"}');

    // Act
    const output = headers.parse(input);

    // Assess
    expect(Object.entries(output)).toEqual([
      ['a', '1'],
      ['__proto__', '2'],
      ['constructor', '3'],
      ['\u0000__proto__', '4'],
      ['', '5'],
    ]);
    expect(Object.getPrototypeOf(output)).toBeNull();
  });

  it('validates the value under __proto__ and names the key as sent', () => {
    const result = headers.safeParse(JSON.parse('{"__proto__":1}'));

    expect(result.success).toBe(false);
    expect(issuesToDetails(result.error?.issues ?? []).map((detail) => detail.field)).toEqual(['__proto__']);
  });

  it('checks each key with the key schema, as sent', () => {
    const names = exactRecord(z.string().regex(/^[a-z_]+$/, 'lower case only'), z.string());
    const result = names.safeParse(JSON.parse('{"__proto__":"x","Bad":"y"}'));

    expect(issuesToDetails(result.error?.issues ?? [])).toEqual([
      expect.objectContaining({ field: 'Bad', message: 'the name lower case only' }),
    ]);
  });
});

describe('utf8Text', () => {
  it.each([
    ['a lone high surrogate', '\ud800', false],
    ['a lone low surrogate', 'x\udfff', false],
    ['a surrogate pair', '😀', true],
    ['U+FFFD itself', '\ufffd', true],
  ])('%s is %s', (_, text, accepted) => {
    expect(utf8Text().safeParse(text).success).toBe(accepted);
  });
});

describe('Timestamp', () => {
  it.each([
    ['the epoch', 0, 0],
    ['epoch milliseconds', 1_700_000_000_000, 1_700_000_000_000],
    ['ISO-8601 with an offset', '2026-01-01T00:00:00.250+01:00', Date.parse('2025-12-31T23:00:00.250Z')],
    ['the last instant a Date holds', 8_640_000_000_000_000, 8_640_000_000_000_000],
  ])('accepts %s', (_, timestamp, millis) => {
    expect(epochMillis(Timestamp.parse(timestamp))).toBe(millis);
  });

  it.each([
    ['a millisecond before the epoch', '1969-12-31T23:59:59.999Z'],
    ['an epoch instant written with a positive offset', '1970-01-01T00:59:59+01:00'],
    ['-1 (Kafka reads it as no timestamp)', -1],
    ['past what a Date holds', 8_640_000_000_000_001],
    ['an impossible date', '2026-02-30T00:00:00Z'],
    ['no date at all', 'yesterday'],
  ])('refuses %s with one issue', (_, timestamp) => {
    const result = Timestamp.safeParse(timestamp);
    expect(result.error?.issues).toHaveLength(1);
  });
});

describe('fieldName', () => {
  it('writes paths as a caller reads them', () => {
    expect(fieldName(['records', 0, 'headers', '__proto__'])).toBe('records[0].headers.__proto__');
  });
});
