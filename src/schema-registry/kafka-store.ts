/**
 * The durable store: a compacted Kafka topic (`_schemas` by default) in Confluent's record format, read
 * to its end at start-up and written through before every answer (src/shared/kafka/compacted-topic.ts).
 */
import type { KafkaConnection } from '../shared/kafka/client.js';
import { appendRecords, ensureCompactedTopic, readToEnd } from '../shared/kafka/compacted-topic.js';
import type { StoreRecord } from './model.js';
import type { Store } from './store.js';

/** Key fields in the order Confluent's registry writes them (@JsonPropertyOrder of each key class). */
const KEY_FIELDS: Record<StoreRecord['key']['keytype'], string[]> = {
  SCHEMA: ['keytype', 'subject', 'version', 'magic'],
  CONFIG: ['keytype', 'subject', 'magic'],
  MODE: ['keytype', 'subject', 'magic'],
  DELETE_SUBJECT: ['keytype', 'subject', 'magic'],
  NOOP: ['keytype', 'magic'],
};

function encodeKey(key: StoreRecord['key']): Buffer {
  const fields = KEY_FIELDS[key.keytype];
  return Buffer.from(JSON.stringify(key, fields));
}

/** The fields of each value this registry uses; others a Confluent registry wrote are left out. */
const VALUE_FIELDS: Record<StoreRecord['key']['keytype'], string[]> = {
  SCHEMA: [
    'subject',
    'version',
    'id',
    'schemaType',
    'references',
    'metadata',
    'ruleSet',
    'schema',
    'deleted',
  ],
  CONFIG: ['subject', 'compatibilityLevel', 'normalize'],
  MODE: ['subject', 'mode'],
  DELETE_SUBJECT: ['subject', 'version'],
  NOOP: [],
};

type Parsed = { record: StoreRecord } | { skipped: string };

/** A record of the topic, or why it is skipped (key types this registry does not use: contexts, associations). */
function decodeRecord(key: Buffer | null, value: Buffer | null): Parsed {
  const parsedKey = key ? (JSON.parse(key.toString('utf8')) as { keytype?: string }) : {};
  const keytype = parsedKey.keytype as StoreRecord['key']['keytype'] | undefined;
  if (!keytype || !(keytype in KEY_FIELDS)) return { skipped: `key type ${parsedKey.keytype ?? '(none)'}` };
  const cleanKey = Object.fromEntries(
    KEY_FIELDS[keytype].map((field) => [field, (parsedKey as Record<string, unknown>)[field] ?? null]),
  );
  if (!value) return { record: { key: cleanKey, value: null } as unknown as StoreRecord };
  const parsedValue = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  const cleanValue = Object.fromEntries(
    VALUE_FIELDS[keytype]
      .filter((field) => parsedValue[field] !== undefined)
      .map((field) => [field, parsedValue[field]]),
  );
  if (keytype === 'SCHEMA') {
    cleanValue.schemaType ??= 'AVRO';
    cleanValue.references ??= [];
    cleanValue.deleted ??= false;
  }
  if (keytype === 'CONFIG' || keytype === 'MODE') cleanValue.subject ??= cleanKey.subject;
  return { record: { key: cleanKey, value: cleanValue } as unknown as StoreRecord };
}

export class KafkaStore implements Store {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly topic: string,
    private readonly log: (message: string) => void,
  ) {}

  private ensureTopic(): Promise<void> {
    this.ready ??= ensureCompactedTopic(this.connection, this.topic).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async load(): Promise<StoreRecord[]> {
    await this.ensureTopic();
    const records: StoreRecord[] = [];
    for (const { key, value, offset } of await readToEnd(this.connection, this.topic)) {
      try {
        const parsed = decodeRecord(key, value);
        if ('record' in parsed) records.push(parsed.record);
        else this.log(`schema registry: ${this.topic} offset ${offset}: skipped ${parsed.skipped}`);
      } catch (error) {
        this.log(
          `schema registry: ${this.topic} offset ${offset}: unreadable record skipped (${(error as Error).message})`,
        );
      }
    }
    return records;
  }

  async append(records: StoreRecord[]): Promise<void> {
    await this.ensureTopic();
    await appendRecords(
      this.connection,
      this.topic,
      records.map(({ key, value }) => ({
        key: encodeKey(key),
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.connection.resetAdmin(), this.connection.resetProducers()]);
  }
}
