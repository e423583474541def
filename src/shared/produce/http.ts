/**
 * The produce route, `POST /v1/topics/{topic}/records`: parses the topic and the body, calls the service
 * with typed input and maps its result to 200 (every record written), 202 (acks `none`: nothing known) or
 * 207 (some written, some not); errors are mapped by the HTTP layer (src/shared/http/status.ts).
 */
import { type HttpHandler, httpHandler } from '../http/handler.js';
import { parseJsonBody, parseWith, readJsonBodyBytes } from '../http/request.js';
import { type HttpResponse, jsonResponse } from '../http/response.js';
import { TopicName } from '../http/schema.js';
import { httpStatus } from '../http/status.js';
import type { WriteResult } from '../kafka/writer.js';
import {
  type FailedRecord,
  type ProducePartialResponse,
  type ProduceResponse,
  produceRequestSchema,
  type WrittenRecord,
} from './schema.js';
import type { ProduceResult, ProduceService } from './service.js';

/**
 * Epoch milliseconds as ISO-8601, remembering the last one: the records of a response mostly share
 * one timestamp (the request's time, or the broker's LogAppendTime), and toISOString is not cheap.
 */
function isoTimestamps(): (millis: number) => string {
  let lastMillis = Number.NaN;
  let lastText = '';
  return (millis) => {
    if (millis !== lastMillis) {
      lastMillis = millis;
      lastText = new Date(millis).toISOString();
    }
    return lastText;
  };
}

/** A record's entry in the answer: where it was written, or its error with the status it alone would get. */
function recordEntry(result: WriteResult, iso: (millis: number) => string): WrittenRecord | FailedRecord {
  if (result.ok)
    return { partition: result.partition, offset: result.offset, timestamp: iso(result.timestamp) };
  const { error } = result;
  return {
    partition: result.partition,
    error: {
      code: error.code,
      status: httpStatus(error),
      message: error.message,
      retriable: error.retriable,
    },
  };
}

/** 200 when every record was acknowledged, 202 with acks `none`, 207 when some records failed. */
function produceResponse(result: ProduceResult): HttpResponse {
  const iso = isoTimestamps();
  const records = result.records.map((record) => recordEntry(record, iso));
  if (result.failed === 0) {
    const body: ProduceResponse = { topic: result.topic, records: records as WrittenRecord[] };
    return jsonResponse(result.acknowledged ? 200 : 202, body);
  }
  const body: ProducePartialResponse = {
    topic: result.topic,
    written: result.written,
    failed: result.failed,
    records,
  };
  return jsonResponse(207, body);
}

/**
 * The produce function's handler.
 *
 * @example
 * export const handler = createProduceHandler(produceService());
 */
export function createProduceHandler(service: ProduceService): HttpHandler {
  // At this deployment's PRODUCE_MAX_RECORDS, as the served OpenAPI document states.
  const ProduceRequest = produceRequestSchema(service.maxRecords);
  return httpHandler(async ({ event, log }) => {
    const topic = parseWith(TopicName, event.pathParameters?.topic, ['topic']);
    log.topic = topic;
    service.assertAllowed(topic);
    const bytes = readJsonBodyBytes(event, service.maxBodyBytes);
    const body = parseJsonBody(bytes);
    const records = (body as { records?: unknown } | null)?.records;
    if (Array.isArray(records)) log.recordCount = records.length;
    const request = parseWith(ProduceRequest, body);
    const result = await service.produce({ topic, request, body: bytes, now: Date.now() });
    if (result.failed > 0) log.failedRecords = result.failed;
    return produceResponse(result);
  });
}
