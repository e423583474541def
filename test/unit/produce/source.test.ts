import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordSources } from '../../../src/shared/produce/source.js';

/**
 * Writes JSON text the way any client might: whitespace between every token drawn from `spaces`, and
 * strings (member names included) either as JSON.stringify writes them or entirely as \u escapes.
 */
function jsonWriter(spaces: string[], escapeAll: boolean) {
  let next = 0;
  const space = () => spaces[next++ % spaces.length] ?? '';
  const text = (s: string) =>
    escapeAll
      ? `"${Array.from(s, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`
      : JSON.stringify(s);
  const member = (name: string, json: string) => `${text(name)}${space()}:${space()}${json}`;
  const object = (members: string[]) => `{${space()}${members.join(`${space()},${space()}`)}${space()}}`;
  const array = (elements: string[]) => `[${space()}${elements.join(`${space()},${space()}`)}${space()}]`;
  const value = (data: unknown): string => {
    if (typeof data === 'string') return text(data);
    if (Array.isArray(data)) return array(data.map(value));
    if (data !== null && typeof data === 'object') {
      return object(Object.entries(data).map(([name, item]) => member(name, value(item))));
    }
    return JSON.stringify(data);
  };
  return { space, member, object, array, value };
}

// Often what JSON's structure and escapes are made of, else any character.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '\n', 'é', '✓', '😀'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const anyJson = fc.jsonValue({ stringUnit: unit, maxDepth: 3 });

const body = fc
  .record({
    spaces: fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 5 }),
    escapeAll: fc.boolean(),
    records: fc.array(
      fc.record(
        {
          key: anyJson,
          value: anyJson,
          headers: fc.dictionary(fc.string({ unit, maxLength: 4 }), fc.string({ unit, maxLength: 4 })),
          // A repeated member: JSON.parse keeps the last one, and so must the spans.
          earlierValue: anyJson,
        },
        { requiredKeys: ['value', 'headers'] },
      ),
      { minLength: 1, maxLength: 5 },
    ),
    earlierRecords: fc.option(fc.array(fc.record({ value: anyJson }), { maxLength: 2 }), { nil: undefined }),
    recordsFirst: fc.boolean(),
  })
  .map(({ spaces, escapeAll, records, earlierRecords, recordsFirst }) => {
    const json = jsonWriter(spaces, escapeAll);
    const recordMembers = records.map(({ key, value, headers, earlierValue }) => [
      ...(earlierValue === undefined ? [] : [json.member('value', json.value(earlierValue))]),
      ...(key === undefined ? [] : [json.member('key', json.value(key))]),
      json.member('headers', json.value(headers)),
      json.member('value', json.value(value)),
    ]);
    const members = [
      ...(earlierRecords === undefined ? [] : [json.member('records', json.value(earlierRecords))]),
      json.member('records', json.array(recordMembers.map(json.object))),
    ];
    const formats = [json.member('valueFormat', json.value('json')), json.member('acks', json.value('all'))];
    return `${json.space()}${json.object(recordsFirst ? [...members, ...formats] : [...formats, ...members])}${json.space()}`;
  });

const parseBytes = (bytes: Buffer | undefined): unknown =>
  bytes === undefined ? undefined : JSON.parse(bytes.toString('utf8'));

describe('recordSources', () => {
  it('finds text that parses to exactly what JSON.parse made of every key and value', () => {
    fc.assert(
      fc.property(body, (text) => {
        // Prepare
        const parsed = JSON.parse(text) as { records: { key?: unknown; value: unknown }[] };

        // Act
        const sources = recordSources(Buffer.from(text, 'utf8'));

        // Assess
        expect(sources).toHaveLength(parsed.records.length);
        sources.forEach((source, i) => {
          expect(parseBytes(source.value)).toEqual(parsed.records[i]?.value);
          expect(parseBytes(source.key)).toEqual(parsed.records[i]?.key);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the client's text: number digits, escapes and whitespace", () => {
    const value = '{ "n": 1.0, "big": 12345678901234567890, "s": "\\u00e9 \\"ë\\"" }';
    const text = `{"records":[{"key":[ 1 ],"value":${value}},{"value":"x"}]}`;

    const sources = recordSources(Buffer.from(text, 'utf8'));

    expect(sources.map((s) => [s.key?.toString(), s.value?.toString()])).toEqual([
      ['[ 1 ]', value],
      [undefined, '"x"'],
    ]);
  });
});
