/**
 * An order of the `orders` topic: the JSON shape of an Avro record of schemas/orders-value.avsc, as the event
 * source mapping delivers it in `JSON` format and as the runtime decodes it in `SOURCE` format. zod checks
 * what the Avro schema cannot: positive quantities, prices and totals within the integers a JSON number holds
 * exactly.
 */
import * as z from 'zod';

const Cents = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A union's string branch, bare (`"gift"`) or as Avro's JSON encoding writes it (`{"string": "gift"}`). */
const OptionalText = z
  .union([z.string(), z.object({ string: z.string() }).transform((branch) => branch.string)])
  .nullish();

export const OrderValue = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  items: z
    .array(z.object({ sku: z.string().min(1), quantity: z.int().positive(), unitPriceCents: Cents }))
    .min(1),
  totalCents: Cents,
  currency: z.enum(['EUR', 'USD', 'GBP']),
  /** Epoch milliseconds (Avro `timestamp-millis`). */
  placedAt: z.int(),
  note: OptionalText,
});
export type Order = z.infer<typeof OrderValue>;

/** What `orders.processed` carries per order (docs/consumers.md). */
export interface OrderSummary {
  orderId: string;
  customerId: string;
  /** Distinct lines and units over all lines. */
  lines: number;
  units: number;
  totalCents: number;
  currency: Order['currency'];
  /** ISO 8601, from `placedAt`. */
  placedAt: string;
}
