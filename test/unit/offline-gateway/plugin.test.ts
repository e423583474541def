/**
 * The local gateway plugin on a real hapi server (the one serverless-offline serves with), on loopback: the
 * hooks it installs answer as API Gateway's edge does, before and after a route.
 */
import { request as httpRequest } from 'node:http';
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineGatewayPlugin } from '../../../src/offline-gateway/plugin.js';

/** Stands in for serverless-offline: the plugin finds it by its class name. */
class ServerlessOffline {
  constructor(private readonly server: unknown) {}
  internals() {
    return { getApiGatewayServer: () => this.server };
  }
}

let server: Hapi.Server;
let base: string;
/** What the route saw: its Content-Type header and payload. */
const seen: { contentType?: string; payload?: unknown }[] = [];

beforeAll(async () => {
  server = Hapi.server({ host: '127.0.0.1', port: 0 });
  server.route({
    method: 'POST',
    path: '/echo',
    // As serverless-offline takes bodies: unparsed bytes.
    options: { payload: { parse: false, output: 'data' } },
    handler: (request) => {
      seen.push({ contentType: request.raw.req.headers['content-type'], payload: request.payload });
      return { ok: true };
    },
  });
  server.route({
    method: 'GET',
    path: '/boom',
    handler: () => {
      throw new Error('a bug');
    },
  });
  server.route({ method: '*', path: '/{p*}', handler: (_, h) => h.response('not found').code(404) });
  await server.start();
  const plugin = new OfflineGatewayPlugin({ pluginManager: { plugins: [new ServerlessOffline(server)] } });
  await plugin.hooks['offline:start:init']?.();
  base = `http://127.0.0.1:${(server.info.port as number).toString()}`;
});
afterAll(async () => {
  await server.stop();
});

/** Sends a raw request, so that headers can be absent or oversized. */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += String(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('offline gateway plugin', () => {
  it('answers a path no function serves with 404 in our error shape', async () => {
    // Act
    const answer = await send('GET', '/nowhere', {});

    // Assess
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no route GET /nowhere',
    });
  });

  it('refuses a head over API Gateway’s 10,240 bytes with 431', async () => {
    // Act
    const answer = await send('GET', '/echo', { 'x-big': 'x'.repeat(11_000) });

    // Assess
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body).error.code).toBe('REQUEST_HEADERS_TOO_LARGE');
  });

  it('refuses a body without a Content-Type with 415', async () => {
    // Act
    const answer = await send('POST', '/echo', { 'content-length': '2' }, '{}');

    // Assess
    expect(answer.status).toBe(415);
  });

  it('hands JSON on as its exact text, and a body that is not UTF-8 as bytes', async () => {
    // Act
    await send('POST', '/echo', { 'content-type': 'application/json' }, 'false');
    await send('POST', '/echo', { 'content-type': 'application/json' }, Buffer.from([0xff, 0xfe]));

    // Assess
    expect(seen).toEqual([
      { contentType: 'text/plain', payload: Buffer.from('false') },
      { contentType: 'application/octet-stream', payload: Buffer.from([0xff, 0xfe]) },
    ]);
  });

  it("answers hapi's own errors in our shape, without internals", async () => {
    // Act
    const answer = await send('GET', '/boom', {});

    // Assess
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(answer.body).not.toContain('a bug');
  });

  it('writes our error shape when the HTTP parser gives up on a request', async () => {
    // Act
    const answer = await send('GET', '/echo', { 'x-huge': 'x'.repeat(20_000) });

    // Assess
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body).error.code).toBe('REQUEST_HEADERS_TOO_LARGE');
  });

  it('fails the start, naming the cause, without serverless-offline before it', async () => {
    // Prepare
    const plugin = new OfflineGatewayPlugin({ pluginManager: { plugins: [] } });

    // Act / Assess
    await expect(plugin.hooks['offline:start:init']?.()).rejects.toThrow(
      /list this plugin after serverless-offline/,
    );
  });
});
