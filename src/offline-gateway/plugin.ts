/**
 * The Serverless Framework plugin (loaded through serverless-plugin.mjs) that makes serverless-offline's
 * HTTP server answer like API Gateway's edge: its request limits, the exact bytes of every body, and our
 * error shape for every answer no function gives. Listed in serverless.yml after serverless-offline; see
 * docs/local-emulation.md ("The HTTP API").
 *
 * serverless-offline has no extension point for its HTTP server, so this reaches its hapi server through
 * `internals().getApiGatewayServer()` and fails the start, naming the cause, if that ever goes away.
 */
import { isUtf8 } from 'node:buffer';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequestError, RequestHeadersTooLargeError, type ServiceError } from '../shared/errors.js';
import { checkJsonContentType } from '../shared/http/request.js';
import { asServiceError } from '../shared/http/response.js';
import {
  errorAnswer,
  HTTP_API_LIMITS,
  headBytes,
  headTooLarge,
  rawErrorResponse,
  serverError,
} from './gateway.js';

/** The parts of a hapi request, toolkit and server this plugin uses (hapi comes with serverless-offline). */
interface HapiRequest {
  raw: {
    req: {
      method?: string;
      url?: string;
      httpVersion: string;
      rawHeaders: string[];
      headers: Record<string, string | string[] | undefined>;
    };
  };
  headers: Record<string, string | undefined>;
  payload: unknown;
  path: string;
  method: string;
  route: { path: string };
  response: HapiResponse | HapiBoom | null;
}
interface HapiResponse {
  isBoom?: false;
  statusCode: number;
}
interface HapiBoom {
  isBoom: true;
  output: { statusCode: number; payload: { message?: string } };
}
interface HapiToolkit {
  readonly continue: symbol;
  response(body: string): {
    code(status: number): ReturnType<HapiToolkit['response']>;
    type(mime: string): ReturnType<HapiToolkit['response']>;
    header(name: string, value: string): ReturnType<HapiToolkit['response']>;
    takeover(): unknown;
  };
}
interface HapiServer {
  listener: HttpServer;
  ext(event: string, method: (request: HapiRequest, h: HapiToolkit) => unknown): void;
}

interface Serverless {
  pluginManager: { plugins: unknown[] };
}

/** The route serverless-offline adds for paths no function serves. */
const CATCH_ALL_ROUTE = '/{p*}';

function answer(h: HapiToolkit, error: ServiceError) {
  const { status, requestId, body } = errorAnswer(error);
  return h.response(body).code(status).type('application/json').header('x-request-id', requestId).takeover();
}

function hasBody(headers: HapiRequest['raw']['req']['headers']): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

/** Requests as API Gateway would let them through, before serverless-offline reads them. */
function onRequest(request: HapiRequest, h: HapiToolkit) {
  const { req } = request.raw;
  const size = headBytes(`${req.method} ${req.url} HTTP/${req.httpVersion}`, req.rawHeaders);
  if (size > HTTP_API_LIMITS.headBytes) return answer(h, headTooLarge(size));
  const contentType = req.headers['content-type'];
  if (contentType === undefined) {
    // serverless-offline would hand the function `application/json` for a body without a Content-Type;
    // every route of this API refuses such a body, so the answer is the function's own.
    if (hasBody(req.headers)) {
      try {
        checkJsonContentType(undefined);
      } catch (error) {
        return answer(h, asServiceError(error));
      }
    }
    return h.continue;
  }
  // hapi refuses Content-Types it cannot parse (`application/json, text/plain`) before any function runs,
  // and serverless-offline parses JSON bodies itself (`false` becomes a boolean). Its view of the header
  // becomes plain text: the body stays the exact text, and the function still gets the header as sent
  // (serverless-offline builds the event from the raw headers).
  req.headers['content-type'] = 'text/plain';
  return h.continue;
}

/** Exact bytes: a body that is not UTF-8 reaches the function base64-encoded, never with U+FFFD in it. */
function onPreHandler(request: HapiRequest, h: HapiToolkit) {
  if (Buffer.isBuffer(request.payload) && request.payload.length > 0 && !isUtf8(request.payload)) {
    // serverless-offline base64-encodes the payloads it takes for binary.
    request.raw.req.headers['content-type'] = 'application/octet-stream';
  }
  return h.continue;
}

/** The server's own answers (hapi's Boom errors, serverless-offline's route-not-found) in our shape. */
function onPreResponse(request: HapiRequest, h: HapiToolkit) {
  const response = request.response;
  if (response?.isBoom) {
    return answer(h, serverError(response.output.statusCode, response.output.payload.message ?? ''));
  }
  if (request.route.path === CATCH_ALL_ROUTE && response?.statusCode === 404) {
    return answer(h, serverError(404, `no route ${request.method.toUpperCase()} ${request.path}`));
  }
  return h.continue;
}

/**
 * Node's HTTP parser gives up before hapi sees a request (a head over its 16 KB, malformed HTTP); hapi
 * then writes a bare `400 Bad Request`. This writes our shape instead.
 */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new RequestHeadersTooLargeError(
          `the request head is over 16 KB; API Gateway accepts at most ${HTTP_API_LIMITS.headBytes} bytes of request line and header values`,
        )
      : new BadRequestError(`malformed HTTP request (${error.code ?? 'parse error'})`);
  socket.end(rawErrorResponse(refusal));
}

function apiGatewayServer(serverless: Serverless): HapiServer {
  const offline = serverless.pluginManager.plugins.find(
    (plugin) => (plugin as object).constructor?.name === 'ServerlessOffline',
  ) as { internals?: () => { getApiGatewayServer?: () => HapiServer | null } } | undefined;
  const server = offline?.internals?.().getApiGatewayServer?.();
  if (!server) {
    throw new Error(
      "offline-gateway: serverless-offline's HTTP server is not reachable (internals().getApiGatewayServer); list this plugin after serverless-offline",
    );
  }
  return server;
}

/**
 * The plugin osls loads (serverless-plugin.mjs): on `offline:start:init` it installs its hooks on
 * serverless-offline's hapi server. Throws, failing the start, when that server is not reachable.
 *
 * @example
 * // serverless.yml: plugins: [serverless-offline, ./src/offline-gateway/serverless-plugin.mjs]
 */
export class OfflineGatewayPlugin {
  readonly hooks: Record<string, () => Promise<void>>;

  constructor(private readonly serverless: Serverless) {
    this.hooks = {
      // serverless-offline's own `offline:start:init` created and started its server just before.
      'offline:start:init': async () => this.install(),
    };
  }

  private install(): void {
    const server = apiGatewayServer(this.serverless);
    server.ext('onRequest', onRequest);
    server.ext('onPreHandler', onPreHandler);
    server.ext('onPreResponse', onPreResponse);
    server.listener.removeAllListeners('clientError');
    server.listener.on('clientError', onClientError);
  }
}
