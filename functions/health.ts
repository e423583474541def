/** `GET /v1/health`: whether the Kafka broker answers. */
import { kafkaAdmin } from '../src/shared/container.js';
import { httpHandler } from '../src/shared/http/handler.js';
import { jsonResponse } from '../src/shared/http/response.js';
import { checkBroker } from '../src/shared/kafka/health.js';

const admin = kafkaAdmin();

export const handler = httpHandler(async () =>
  jsonResponse(200, { status: 'ok', kafka: await checkBroker(admin) }),
);
