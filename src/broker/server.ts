/**
 * The network side: Kafka's framing (a 4-byte size, then the request) over TCP, one request at a time
 * per connection, answered in order, as Kafka does (a connection's next request is read once the
 * previous one is answered). Requests for an API or version this broker does not implement are answered
 * with UNSUPPORTED_VERSION, never by dropping the connection; an ApiVersions request newer than the
 * broker knows gets the v0 layout (KIP-511), so the client retries with a version listed there.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { handlersByKey } from './apis/index.js';
import type { Broker } from './broker.js';
import { ErrorCode } from './protocol/errors.js';
import { API_VERSIONS_KEY, peekHeader, readRequestHeader, writeResponseHeader } from './protocol/header.js';
import { ProtocolError, Writer } from './protocol/io.js';
import { ApiVersions } from './protocol/messages/api-versions.js';
import { decodeRequest, encodeResponse } from './protocol/schema.js';

/** socket.request.max.bytes: Kafka closes connections that announce a larger request. */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

function frame(write: (w: Writer) => void, sizeHint = 256): Buffer {
  const w = new Writer(sizeHint);
  w.int32(0);
  write(w);
  w.int32At(0, w.offset - 4);
  return w.result();
}

function unsupportedApiVersions(correlationId: number): Buffer {
  return frame((w) => {
    w.int32(correlationId);
    encodeResponse(ApiVersions, 0, w, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: ApiVersions.key, minVersion: ApiVersions.min, maxVersion: ApiVersions.max }],
      throttleTimeMs: 0,
    });
  });
}

/** Answers one request frame; null when no response is due (acks=0). */
export async function handleFrame(
  broker: Broker,
  request: Buffer,
  clientHost: string,
): Promise<Buffer | null> {
  const { apiKey, apiVersion, correlationId } = peekHeader(request);
  const handler = handlersByKey.get(apiKey);
  if (apiKey === API_VERSIONS_KEY && handler && apiVersion > handler.api.max)
    return unsupportedApiVersions(correlationId);
  if (!handler || apiVersion < handler.api.min || apiVersion > handler.api.max) {
    broker.logger.warn(
      `unsupported request: API key ${apiKey} v${apiVersion} (correlation id ${correlationId})`,
    );
    const flexible = handler !== undefined && apiVersion >= handler.api.firstFlexible;
    return frame((w) => {
      writeResponseHeader(w, correlationId, flexible, apiKey);
      w.int16(ErrorCode.UNSUPPORTED_VERSION);
    });
  }
  const { api } = handler;
  const flexible = apiVersion >= api.firstFlexible;
  const { header, body } = readRequestHeader(request, () => flexible);
  const decoded = decodeRequest(api, apiVersion, body);
  const response = await handler.handle(decoded, {
    broker,
    version: apiVersion,
    clientId: header.clientId ?? '',
    clientHost,
  });
  if (response === undefined) return null;
  return frame(
    (w) => {
      writeResponseHeader(w, correlationId, flexible, apiKey);
      encodeResponse(api, apiVersion, w, response as Record<string, unknown>);
    },
    apiKey === 1 ? 64 * 1024 : 512,
  );
}

/** Reads frames from a socket and answers them one at a time, in order. */
class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (data) => this.receive(data));
    socket.on('error', (error) =>
      broker.logger.debug(`connection from ${this.clientHost}: ${error.message}`),
    );
  }

  private receive(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
    for (;;) {
      if (this.buffered < 4) break;
      if ((this.chunks[0] as Buffer).length < 4) this.merge();
      const size = (this.chunks[0] as Buffer).readInt32BE(0);
      if (size < 0 || size > MAX_REQUEST_BYTES) {
        this.broker.logger.warn(`closing connection from ${this.clientHost}: request of ${size} bytes`);
        this.socket.destroy();
        return;
      }
      if (this.buffered < 4 + size) break;
      this.merge();
      const all = this.chunks[0] as Buffer;
      this.queue.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    // Back-pressure: a client that pipelines faster than it is answered waits in TCP, not in memory.
    if (this.queue.length > 64) this.socket.pause();
    if (!this.busy) void this.drain();
  }

  private merge(): void {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0 && !this.socket.destroyed) {
      const request = this.queue.shift() as Buffer;
      try {
        const response = await handleFrame(this.broker, request, this.clientHost);
        if (response && !this.socket.destroyed) this.socket.write(response);
      } catch (error) {
        const reason =
          error instanceof ProtocolError ? `malformed request: ${error.message}` : (error as Error).stack;
        this.broker.logger.error(`closing connection from ${this.clientHost}: ${reason}`);
        this.socket.destroy();
      }
      if (this.queue.length <= 64 && this.socket.isPaused()) this.socket.resume();
    }
    this.busy = false;
  }
}

/** Listens on `host:port` (0 picks a free port) and serves `broker()` once it exists. */
export function listen(
  host: string,
  port: number,
  broker: () => Broker,
): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, broker());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no TCP address'));
        return;
      }
      resolve({ server, port: address.port, sockets });
    });
  });
}
