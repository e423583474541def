/**
 * The administration routes, one function for all of them (its own IAM role and authorization scope,
 * apart from the producer's). API Gateway names the matched route in `event.routeKey`. Each route parses
 * its path parameters, query and body with schema.ts, calls the service with typed input and maps the
 * result to a status; errors are mapped by the HTTP layer (src/shared/http/status.ts).
 */
import type * as z from 'zod';
import { NotFoundError } from '../errors.js';
import { type HttpHandler, type HttpRequest, httpHandler } from '../http/handler.js';
import { parseWith, readJsonBody } from '../http/request.js';
import { emptyResponse, type HttpResponse, jsonResponse } from '../http/response.js';
import type { AdminRoute } from '../http/routes.js';
import { TopicName } from '../http/schema.js';
import { adminRequestSchemas, GroupId, IncludeInternalQuery, PatchConfigsRequest } from './schema.js';
import type { AdminService } from './service.js';

type Route = (request: HttpRequest) => Promise<HttpResponse>;

/** The admin function's handler: routes `event.routeKey` (ROUTES.admin) to the service. */
export function createAdminHandler(service: AdminService): HttpHandler {
  // At this deployment's ADMIN_MAX_PARTITIONS, as the served OpenAPI document states.
  const { AddPartitionsRequest, CreateTopicRequest, ResetOffsetsRequest } = adminRequestSchemas(
    service.maxPartitions,
  );
  const body = <Schema extends z.ZodType>(schema: Schema, { event }: HttpRequest): z.output<Schema> =>
    parseWith(schema, readJsonBody(event, service.maxBodyBytes));
  const topic = ({ event, log }: HttpRequest) => {
    const name = parseWith(TopicName, event.pathParameters?.topic, ['topic']);
    log.topic = name;
    return name;
  };
  const group = ({ event, log }: HttpRequest) => {
    const id = parseWith(GroupId, event.pathParameters?.group, ['group']);
    log.group = id;
    return id;
  };

  const routes: Record<AdminRoute, Route> = {
    'GET /v1/cluster': async () => jsonResponse(200, await service.cluster()),
    'GET /v1/topics': async ({ event }) => {
      const query = parseWith(IncludeInternalQuery, event.queryStringParameters ?? {}, ['query']);
      return jsonResponse(200, { topics: await service.listTopics(query.includeInternal === 'true') });
    },
    'POST /v1/topics': async (request) => {
      const result = await service.createTopic(body(CreateTopicRequest, request));
      request.log.topic = result.topic.name;
      return jsonResponse(result.created ? 201 : 200, result.topic);
    },
    'GET /v1/topics/{topic}': async (request) =>
      jsonResponse(200, await service.describeTopic(topic(request))),
    'DELETE /v1/topics/{topic}': async (request) => {
      await service.deleteTopic(topic(request));
      return emptyResponse(204);
    },
    'POST /v1/topics/{topic}/partitions': async (request) =>
      jsonResponse(200, await service.addPartitions(topic(request), body(AddPartitionsRequest, request))),
    'GET /v1/topics/{topic}/configs': async (request) =>
      jsonResponse(200, await service.topicConfigs(topic(request))),
    'PATCH /v1/topics/{topic}/configs': async (request) =>
      jsonResponse(200, await service.patchTopicConfigs(topic(request), body(PatchConfigsRequest, request))),
    'GET /v1/consumer-groups': async () => jsonResponse(200, { groups: await service.listGroups() }),
    'GET /v1/consumer-groups/{group}': async (request) =>
      jsonResponse(200, await service.describeGroup(group(request))),
    'POST /v1/consumer-groups/{group}/offsets': async (request) =>
      jsonResponse(200, await service.resetOffsets(group(request), body(ResetOffsetsRequest, request))),
    'DELETE /v1/consumer-groups/{group}': async (request) => {
      await service.deleteGroup(group(request));
      return emptyResponse(204);
    },
  };

  return httpHandler(async (request) => {
    const route = routes[request.event.routeKey as AdminRoute] as Route | undefined;
    if (!route) throw new NotFoundError(`no administration route ${request.event.routeKey}`);
    return route(request);
  });
}
