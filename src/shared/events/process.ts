/**
 * Real-time event processing: a validated event becomes one record of `events.processed`, normalized and
 * enriched with derived fields, keyed by its entity (`user:<id>`, `order:<id>`, or `session:<id>` for an
 * anonymous click) so that each entity's events stay in order in one partition.
 *
 * Everything in the output derives from the input record (never from the time of processing), so a replayed
 * record yields the same output (docs/consumers.md).
 */
import type { ConsumerRecord } from '../consumer/decode.js';
import type { OutputDraft } from '../consumer/output.js';
import type { BusinessEvent, EventInput } from './schema.js';

type Category = 'user' | 'click' | 'order';

/** The entity an event is about; its key orders the entity's events. */
function entityOf(event: BusinessEvent): { kind: 'user' | 'session' | 'order'; id: string } {
  if (event.type === 'click') {
    const { userId, sessionId } = event.attributes;
    return userId ? { kind: 'user', id: userId } : { kind: 'session', id: sessionId };
  }
  if ('orderId' in event.attributes) return { kind: 'order', id: event.attributes.orderId };
  return { kind: 'user', id: event.attributes.userId };
}

function categoryOf(event: BusinessEvent): Category {
  if (event.type === 'click') return 'click';
  return 'orderId' in event.attributes ? 'order' : 'user';
}

/** Money in minor units, so 0.1 + 0.2 sums to 0.3. */
const cents = (amount: number) => Math.round(amount * 100);

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** A page as a path without query or fragment: `https://shop/p/42?x=1` and `/p/42/` are both `/p/42`. */
export function pagePath(page: string): string {
  let path: string;
  try {
    path = new URL(page, 'http://relative.invalid').pathname;
  } catch {
    path = page.split(/[?#]/)[0] ?? page;
  }
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function derivedFields(event: BusinessEvent): Record<string, unknown> {
  if (event.type === 'click') {
    const path = pagePath(event.attributes.page);
    return {
      path,
      section: path.split('/')[1] || 'home',
      referrerHost: hostOf(event.attributes.referrer) ?? null,
      anonymous: !event.attributes.userId,
    };
  }
  if ('orderId' in event.attributes) {
    const { items } = event.attributes;
    return {
      itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
      totalAmount: items.reduce((sum, item) => sum + cents(item.unitPrice) * item.quantity, 0) / 100,
    };
  }
  return { emailDomain: event.attributes.email?.split('@')[1] ?? null };
}

/** The processed record of an event: the shape of `events.processed` values. */
function processEvent(event: BusinessEvent, receivedAt: number) {
  const occurredAt = new Date(event.occurredAt);
  const entity = entityOf(event);
  return {
    id: event.id,
    type: event.type,
    category: categoryOf(event),
    entity,
    occurredAt: occurredAt.toISOString(),
    occurredDate: occurredAt.toISOString().slice(0, 10),
    receivedAt: new Date(receivedAt).toISOString(),
    lagMs: receivedAt - occurredAt.getTime(),
    attributes: event.attributes,
    derived: derivedFields(event),
  };
}

/** The record handler of the events function: skips uninteresting types, else one keyed output. */
export function handleEvent(record: ConsumerRecord<EventInput>): OutputDraft | null {
  const event = record.data;
  if (event.type === 'ignored') return null;
  const processed = processEvent(event, record.timestamp);
  return {
    key: `${processed.entity.kind}:${processed.entity.id}`,
    value: processed,
    timestamp: record.timestamp,
    headers: { 'event.type': event.type },
  };
}
