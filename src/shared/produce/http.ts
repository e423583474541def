/** The produce route: `POST /v1/topics/{topic}/records`. */
import { type HttpHandler, httpHandler } from '../http/handler.js';
import { parseJsonBody, readJsonBodyBytes } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import type { ProduceService } from './service.js';

export function createProduceHandler(service: ProduceService): HttpHandler {
  return httpHandler(async ({ event, log }) => {
    const topic = service.checkTopic(event.pathParameters?.topic);
    log.topic = topic;
    const bytes = readJsonBodyBytes(event, service.maxBodyBytes);
    const body = parseJsonBody(bytes);
    const records = (body as { records?: unknown } | null)?.records;
    if (Array.isArray(records)) log.recordCount = records.length;
    const outcome = await service.produce(topic, body, Date.now(), bytes);
    if (outcome.status === 207) log.failedRecords = outcome.body.failed;
    return jsonResponse(outcome.status, outcome.body);
  });
}
