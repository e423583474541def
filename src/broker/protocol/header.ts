/**
 * Request and response headers (RequestHeader v1/v2, ResponseHeader v0/v1). A request's header is
 * flexible (v2: tagged fields after the client id) exactly when its API version is flexible; the client id
 * stays a classic nullable string even then. ApiVersions responses always use header v0, so a client that
 * sent a version the broker does not know can still read the answer (KIP-511).
 */
import { Reader, type Writer } from './io.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export const API_VERSIONS_KEY = 18;

/** Reads the fixed part (key, version, correlation id) without the client id. */
export function peekHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  const reader = new Reader(frame);
  return { apiKey: reader.int16(), apiVersion: reader.int16(), correlationId: reader.int32() };
}

/**
 * Reads a request header; `flexible` (from the API's first flexible version) says whether a tagged-field
 * section follows the client id. Returns the header and a reader positioned at the request body.
 */
export function readRequestHeader(
  frame: Buffer,
  flexible: (apiKey: number, apiVersion: number) => boolean,
): { header: RequestHeader; body: Reader } {
  const reader = new Reader(frame);
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  if (flexible(apiKey, apiVersion)) reader.skipTaggedFields();
  return { header: { apiKey, apiVersion, correlationId, clientId }, body: reader };
}

/** Writes a response header; flexible responses other than ApiVersions' carry a tagged-field section. */
export function writeResponseHeader(
  writer: Writer,
  correlationId: number,
  flexible: boolean,
  apiKey: number,
): void {
  writer.int32(correlationId);
  if (flexible && apiKey !== API_VERSIONS_KEY) writer.noTaggedFields();
}
