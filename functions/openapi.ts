/** `GET /v1/openapi.json`: the OpenAPI 3.1 document, generated from the zod schemas at this deployment's limits. */
import { httpHandler } from '../src/shared/http/handler.js';
import { deploymentOpenApiDocument } from '../src/shared/http/openapi.js';
import { jsonResponse } from '../src/shared/http/response.js';

const document = deploymentOpenApiDocument();

export const handler = httpHandler(async () => jsonResponse(200, document));
