/**
 * Log collection: each line becomes one normalized, redacted entry on `logs.normalized`, keyed by service
 * so a service's lines stay in order. The service and host come from the line when it names them, else from
 * the record's `service`/`host` headers, else (service) from the record key.
 */
import type { ConsumerRecord } from '../consumer/decode.js';
import type { OutputDraft } from '../consumer/output.js';
import { type LogEntry, parseLogLine } from './parse.js';
import { redactText, redactValue } from './redact.js';

/** The entry with every string redacted. */
function redactEntry(entry: LogEntry): LogEntry {
  return {
    ...entry,
    service: redactText(entry.service),
    host: entry.host === null ? null : redactText(entry.host),
    message: redactText(entry.message),
    fields: redactValue(entry.fields) as Record<string, unknown>,
  };
}

const headerText = (record: ConsumerRecord<string>, name: string) =>
  record.headers[name]?.[0]?.toString('utf8');

/** The record handler of the logs function. */
export function handleLogLine(record: ConsumerRecord<string>): OutputDraft {
  const entry = redactEntry(
    parseLogLine(record.data, {
      service: headerText(record, 'service') ?? record.key?.toString('utf8'),
      host: headerText(record, 'host'),
      timestamp: record.timestamp,
    }),
  );
  return {
    key: entry.service,
    value: entry,
    timestamp: record.timestamp,
    headers: { 'log.level': entry.level },
  };
}
