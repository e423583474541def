/** The records every measurement sends: keyless JSON values of exactly 1 KiB once serialised. */

export const VALUE_BYTES = 1024;

/** One JSON value of exactly VALUE_BYTES bytes of UTF-8 JSON. */
function jsonValue(sequence: number): Record<string, unknown> {
  const value = {
    id: `evt-${String(sequence).padStart(9, '0')}`,
    type: 'page_view',
    at: new Date(1_750_000_000_000 + sequence).toISOString(),
    user: { id: `user-${sequence % 9973}`, country: 'DE', plan: 'pro' },
    page: { path: '/products/kafka-lambda-runtime', referrer: 'https://example.com/search?q=kafka' },
    metrics: { durationMs: sequence % 5000, scrolled: (sequence % 100) / 100, clicks: sequence % 17 },
    padding: '',
  };
  const missing = VALUE_BYTES - Buffer.byteLength(JSON.stringify(value));
  if (missing < 0) throw new Error('the fixed part of the value is larger than VALUE_BYTES');
  value.padding = 'p'.repeat(missing);
  return value;
}

export interface Batch {
  /** The produce API's request body, as API Gateway hands it to the function. */
  body: string;
  /** The same values as the bytes the function writes, for the bare producer. */
  values: Buffer[];
  records: number;
  valueBytes: number;
}

/** A few distinct batches of `size` records, cycled through by every measurement. */
export function makeBatches(size: number, distinct = 8): Batch[] {
  return Array.from({ length: distinct }, (_, b) => {
    const values = Array.from({ length: size }, (_, i) => jsonValue(b * size + i));
    const encoded = values.map((value) => Buffer.from(JSON.stringify(value), 'utf8'));
    return {
      body: JSON.stringify({ records: values.map((value) => ({ value })) }),
      values: encoded,
      records: size,
      valueBytes: encoded.reduce((sum, buffer) => sum + buffer.length, 0),
    };
  });
}
