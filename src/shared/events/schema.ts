/**
 * Business events on the `events` topic: `{type, id, occurredAt, attributes}` for users, clicks and orders.
 * Types outside {@link EVENT_TYPES} are not interesting to this function: serverless.yml's filter drops them
 * before invocation, and the function skips any that get through (e.g. locally, where nothing filters).
 */
import * as z from 'zod';

const trimmed = z.string().trim().min(1);

const UserAttributes = z.object({
  userId: trimmed,
  email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  name: trimmed.optional(),
  country: z.string().trim().toUpperCase().length(2).optional(),
  plan: z.enum(['free', 'pro', 'enterprise']).optional(),
});

const ClickAttributes = z.object({
  sessionId: trimmed,
  userId: trimmed.optional(),
  /** A URL or a path. */
  page: trimmed,
  element: trimmed.optional(),
  referrer: z.url().optional(),
});

const OrderItem = z.object({
  sku: trimmed,
  quantity: z.number().int().positive(),
  unitPrice: z.number().nonnegative(),
});

const OrderAttributes = z.object({
  orderId: trimmed,
  userId: trimmed,
  currency: z.string().trim().toUpperCase().length(3),
  items: z.array(OrderItem).default([]),
  reason: trimmed.optional(),
});

/** The interesting event types, by category. */
const EVENT_TYPES = {
  user: ['user.signed_up', 'user.updated', 'user.deleted'],
  click: ['click'],
  order: ['order.placed', 'order.paid', 'order.shipped', 'order.cancelled'],
} as const;

const envelope = <T extends string, A extends z.ZodType>(types: readonly T[], attributes: A) =>
  z.object({
    type: z.enum(types as [T, ...T[]]),
    id: trimmed,
    occurredAt: z.iso.datetime({ offset: true }),
    attributes,
  });

const ALL_TYPES = new Set<string>(Object.values(EVENT_TYPES).flat());

const IgnoredEvent = z.object({ type: z.literal('ignored'), originalType: z.string() });

/**
 * The value schema of the events function. Types are compared trimmed and lower-cased; a type outside
 * {@link EVENT_TYPES} becomes `{type: 'ignored'}` (skipped), and an interesting one is checked in full.
 */
export const EventValue = z.preprocess(
  (value) => {
    if (!value || typeof value !== 'object' || !('type' in value) || typeof value.type !== 'string')
      return value;
    const type = value.type.trim().toLowerCase();
    return ALL_TYPES.has(type) ? { ...value, type } : { type: 'ignored', originalType: type };
  },
  z.discriminatedUnion('type', [
    envelope(EVENT_TYPES.user, UserAttributes),
    envelope(EVENT_TYPES.click, ClickAttributes),
    envelope(EVENT_TYPES.order, OrderAttributes),
    IgnoredEvent,
  ]),
);

export type EventInput = z.output<typeof EventValue>;

/** An interesting event, validated and normalized (trimmed, lower-cased emails, upper-cased codes). */
export type BusinessEvent = Exclude<EventInput, { type: 'ignored' }>;
