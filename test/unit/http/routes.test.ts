/** Routes are declared once (src/shared/http/routes.ts); serverless.yml, the handlers and the OpenAPI document agree. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { createAdminHandler } from '../../../src/shared/admin/http.js';
import type { AdminService } from '../../../src/shared/admin/service.js';
import { ConfigNotReadableError } from '../../../src/shared/errors.js';
import { openApiDocument } from '../../../src/shared/http/openapi.js';
import { ROUTES, type RouteKey, routeParts } from '../../../src/shared/http/routes.js';
import { httpEvent, lambdaContext } from '../../support/http-events.js';

const allRoutes: RouteKey[] = Object.values(ROUTES).flat();

type FunctionDefinition = { events?: { httpApi?: { method: string; path: string } }[] };

function serverlessRoutes(): Record<string, string[]> {
  const service = parse(readFileSync(join(repositoryRoot, 'serverless.yml'), 'utf8')) as {
    functions: Record<string, FunctionDefinition>;
  };
  const routes: Record<string, string[]> = {};
  for (const [name, definition] of Object.entries(service.functions)) {
    const keys = (Array.isArray(definition.events) ? definition.events : []).flatMap((event) =>
      event.httpApi ? [`${event.httpApi.method} ${event.httpApi.path}`] : [],
    );
    if (keys.length > 0) routes[name] = keys;
  }
  return routes;
}

describe('the HTTP routes', () => {
  it('are the routes serverless.yml gives each function, no more and no fewer', () => {
    expect(serverlessRoutes()).toEqual(ROUTES);
  });

  it('are the operations of the OpenAPI document, no more and no fewer', () => {
    const documented = Object.entries(openApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...allRoutes].sort());
    for (const route of allRoutes) {
      const { method, path } = routeParts(route);
      expect(openApiDocument().paths?.[path], route).toHaveProperty(method);
    }
  });

  it.each(ROUTES.admin)('%s is served by the admin handler', async (route) => {
    // Prepare: a service whose every call fails in a way no route check does.
    const service = new Proxy({} as AdminService, {
      get: (_, name) =>
        name === 'maxBodyBytes' ? 65_536 : () => Promise.reject(new ConfigNotReadableError('reached')),
    });
    const { method, path } = routeParts(route);

    // Act
    const response = await createAdminHandler(service)(
      httpEvent({
        method: method.toUpperCase(),
        path,
        routeKey: route,
        pathParameters: { topic: 'events', group: 'billing' },
        body: {},
      }),
      lambdaContext(),
    );

    // Assess: the route was matched (only an unmatched route is a 404 NOT_FOUND).
    expect(JSON.parse(response.body || '{}').error?.code).not.toBe('NOT_FOUND');
  });
});
