/** What every API module exports: its wire definition and the function that answers it. */
import type { Broker } from '../broker.js';
import type { Api } from '../protocol/schema.js';

export interface RequestContext {
  broker: Broker;
  /** The request's API version. */
  version: number;
  clientId: string;
  clientHost: string;
}

export interface Handler {
  readonly api: Api<Record<string, unknown>, Record<string, unknown>>;
  /** The response, or undefined for requests Kafka does not answer (Produce with acks=0). */
  handle(request: Record<string, unknown>, context: RequestContext): unknown;
}

export function handler<Req extends Record<string, unknown>, Res extends Record<string, unknown>>(
  api: Api<Req, Res>,
  // Fields a version does not have may be left out: the encoder writes defaults for what is missing.
  handle: (
    request: Req,
    context: RequestContext,
  ) => Partial<Res> | undefined | Promise<Partial<Res> | undefined>,
): Handler {
  return { api, handle } as unknown as Handler;
}
