import { describe, expect, it } from 'vitest';
import { createAdminHandler } from '../../../src/shared/admin/http.js';
import type { AdminService } from '../../../src/shared/admin/service.js';
import { httpEvent, lambdaContext } from '../../support/http-events.js';

describe('admin routing', () => {
  it('answers 404 in the error shape for a route it does not serve', async () => {
    // The service is never reached: no route matches.
    const handler = createAdminHandler({} as AdminService);
    const response = await handler(httpEvent({ method: 'GET', path: '/v1/nothing' }), lambdaContext());
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'NOT_FOUND', retriable: false } });
  });
});
