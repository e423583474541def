/**
 * Every HTTP route, declared once, by the function that serves it. API Gateway names the matched route
 * in `event.routeKey` with exactly these keys. serverless.yml (each function's `httpApi` events) and the
 * OpenAPI document (openapi.ts) must list the same routes: test/unit/http/routes.test.ts checks both.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';

export const ROUTES = {
  produce: ['POST /v1/topics/{topic}/records'],
  health: ['GET /v1/health'],
  openapi: ['GET /v1/openapi.json'],
  admin: [
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
  ],
} as const;

/** A route key: `<METHOD> <path template>`. */
export type RouteKey = (typeof ROUTES)[keyof typeof ROUTES][number];

/** The routes of the admin function. */
export type AdminRoute = (typeof ROUTES.admin)[number];

/** The method (lower case, as OpenAPI writes it) and path template of a route key. */
export function routeParts(route: RouteKey): Pick<RouteConfig, 'method' | 'path'> {
  const [method = '', path = ''] = route.split(' ');
  return { method: method.toLowerCase() as RouteConfig['method'], path };
}

/** Registers a route's operation in the OpenAPI document under the route's own method and path. */
export function registerRoute(
  registry: OpenAPIRegistry,
  route: RouteKey,
  operation: Omit<RouteConfig, 'method' | 'path'>,
): void {
  registry.registerPath({ ...routeParts(route), ...operation });
}
