/**
 * Reads the HAR file schemathesis writes (every request and response of the run) and derives, from the
 * produce requests it sent and the answers it got, what Kafka must hold: each acknowledged record's
 * partition, offset, key, value, headers and timestamp. Derived here from the request's JSON with plain
 * Buffer operations, never with the service's encoder.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PeerRecord } from '../../support/peers.js';

export interface Har {
  log: {
    entries: {
      request: { method: string; url: string; postData?: { text?: string } };
      response: { status: number; content: { text?: string } };
    }[];
  };
}

export function statusCounts(har: Har): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { response } of har.log.entries) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

type Format = 'json' | 'string' | 'binary';
type HeaderValue = string | { base64: string };

interface RequestRecord {
  key?: unknown;
  value?: unknown;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
  timestamp?: number | string;
}

export interface ExpectedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Where the record came from, for messages. */
  where: string;
  /** What differs between this record and what Kafka holds (empty when they are the same). */
  differences(actual: PeerRecord | undefined): string[];
}

const fromBase64 = (text: string | null) => (text === null ? null : Buffer.from(text, 'base64'));

/**
 * Compares stored bytes with the request's data in its format. A json value must be the request's own
 * text for it (a substring of the body) and mean the same value.
 */
function dataDifference(name: string, stored: Buffer | null, data: unknown, format: Format, body: string) {
  if (data === null || data === undefined) return stored === null ? [] : [`${name}: stored, expected none`];
  if (stored === null) return [`${name}: none stored`];
  if (format === 'string') {
    return stored.equals(Buffer.from(data as string, 'utf8')) ? [] : [`${name}: other text stored`];
  }
  if (format === 'binary') {
    return stored.equals(Buffer.from(data as string, 'base64')) ? [] : [`${name}: other bytes stored`];
  }
  const text = stored.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [`${name}: stored bytes are not JSON: ${text.slice(0, 80)}`];
  }
  const problems: string[] = [];
  if (!isDeepStrictEqual(parsed, data))
    problems.push(`${name}: another JSON value stored: ${text.slice(0, 80)}`);
  if (!body.includes(text)) problems.push(`${name}: stored JSON text is not the request's own`);
  return problems;
}

function headerDifferences(stored: [string, string | null][], headers: RequestRecord['headers']) {
  const expected: [string, string][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      const bytes = typeof one === 'string' ? Buffer.from(one, 'utf8') : Buffer.from(one.base64, 'base64');
      expected.push([name, bytes.toString('base64')]);
    }
  }
  // Kafka keeps headers in order; the request's object only orders values within one name.
  const byName = (list: [string, string | null][]) => {
    const names = new Map<string, (string | null)[]>();
    for (const [name, value] of list) names.set(name, [...(names.get(name) ?? []), value]);
    return [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  return isDeepStrictEqual(byName(stored), byName(expected))
    ? []
    : [`headers: stored ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}`];
}

/** Every record a produce request to one of `topics` was told was written (200, or written in a 207). */
export function producedRecords(har: Har, topics: Set<string>): ExpectedRecord[] {
  const expected: ExpectedRecord[] = [];
  for (const [entryIndex, { request, response }] of har.log.entries.entries()) {
    const topic = decodeURIComponent(
      new URL(request.url).pathname.match(/^\/v1\/topics\/([^/]+)\/records$/)?.[1] ?? '',
    );
    if (request.method !== 'POST' || !topics.has(topic) || ![200, 207].includes(response.status)) continue;
    const body = request.postData?.text ?? '';
    const sent = JSON.parse(body) as { records: RequestRecord[]; keyFormat?: Format; valueFormat?: Format };
    const answer = JSON.parse(response.content.text ?? '{}') as {
      records: { partition: number; offset?: string | null; timestamp?: string }[];
    };
    answer.records.forEach((written, index) => {
      if (typeof written.offset !== 'string') return;
      const record = sent.records[index] as RequestRecord;
      const timestamp = Date.parse(written.timestamp ?? '');
      expected.push({
        topic,
        partition: written.partition,
        offset: Number(written.offset),
        where: `request ${entryIndex} record ${index} (${topic}/${written.partition}@${written.offset})`,
        differences(actual) {
          if (!actual) return ['not in Kafka'];
          const sentTime =
            record.timestamp === undefined
              ? timestamp
              : typeof record.timestamp === 'number'
                ? record.timestamp
                : Date.parse(record.timestamp);
          return [
            ...dataDifference('key', fromBase64(actual.key), record.key, sent.keyFormat ?? 'string', body),
            ...dataDifference(
              'value',
              fromBase64(actual.value),
              record.value,
              sent.valueFormat ?? 'json',
              body,
            ),
            ...headerDifferences(actual.headers, record.headers),
            ...(actual.timestamp === timestamp && actual.timestamp === sentTime
              ? []
              : [`timestamp: stored ${actual.timestamp}, answered ${timestamp}, sent ${sentTime}`]),
          ];
        },
      });
    });
  }
  return expected;
}
