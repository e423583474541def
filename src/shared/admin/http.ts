/**
 * The administration routes, one function for all of them (its own IAM role and authorization scope,
 * apart from the producer's). API Gateway names the matched route in `event.routeKey`.
 */
import { NotFoundError } from '../errors.js';
import { type HttpHandler, type HttpRequest, httpHandler } from '../http/handler.js';
import { parseWith, readJsonBody } from '../http/request.js';
import { emptyResponse, type HttpResponse, jsonResponse } from '../http/response.js';
import { IncludeInternalQuery } from './schema.js';
import type { AdminService } from './service.js';

type Route = (request: HttpRequest) => Promise<HttpResponse>;

/** The route keys, as serverless.yml declares them. */
export const ADMIN_ROUTES = [
  'GET /v1/cluster',
  'GET /v1/topics',
  'POST /v1/topics',
  'GET /v1/topics/{topic}',
  'DELETE /v1/topics/{topic}',
  'POST /v1/topics/{topic}/partitions',
  'GET /v1/topics/{topic}/configs',
  'PATCH /v1/topics/{topic}/configs',
  'GET /v1/consumer-groups',
  'GET /v1/consumer-groups/{group}',
  'POST /v1/consumer-groups/{group}/offsets',
  'DELETE /v1/consumer-groups/{group}',
] as const;

export type AdminRoute = (typeof ADMIN_ROUTES)[number];

export function createAdminHandler(service: AdminService): HttpHandler {
  const body = ({ event }: HttpRequest) => readJsonBody(event, service.maxBodyBytes);
  const topic = ({ event, log }: HttpRequest) => {
    const name = service.topicName(event.pathParameters?.topic);
    log.topic = name;
    return name;
  };
  const group = ({ event, log }: HttpRequest) => {
    const id = service.groupId(event.pathParameters?.group);
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
      const outcome = await service.createTopic(body(request));
      request.log.topic = outcome.body.name;
      return jsonResponse(outcome.status, outcome.body);
    },
    'GET /v1/topics/{topic}': async (request) =>
      jsonResponse(200, await service.describeTopic(topic(request))),
    'DELETE /v1/topics/{topic}': async (request) => {
      await service.deleteTopic(topic(request));
      return emptyResponse(204);
    },
    'POST /v1/topics/{topic}/partitions': async (request) =>
      jsonResponse(200, await service.addPartitions(topic(request), body(request))),
    'GET /v1/topics/{topic}/configs': async (request) =>
      jsonResponse(200, await service.topicConfigs(topic(request))),
    'PATCH /v1/topics/{topic}/configs': async (request) =>
      jsonResponse(200, await service.patchTopicConfigs(topic(request), body(request))),
    'GET /v1/consumer-groups': async () => jsonResponse(200, { groups: await service.listGroups() }),
    'GET /v1/consumer-groups/{group}': async (request) =>
      jsonResponse(200, await service.describeGroup(group(request))),
    'POST /v1/consumer-groups/{group}/offsets': async (request) =>
      jsonResponse(200, await service.resetOffsets(group(request), body(request))),
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
