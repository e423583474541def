/** `GET /v1/openapi.json`: the OpenAPI 3.1 document, generated from the zod schemas. */
import { httpHandler } from '../src/shared/http/handler.js';
import { openApiDocument } from '../src/shared/http/openapi.js';
import { jsonResponse } from '../src/shared/http/response.js';

export const handler = httpHandler(async () => jsonResponse(200, openApiDocument()));
