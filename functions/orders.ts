/** Kafka-triggered: `orders` (Avro, through the schema registry) to `orders.processed` (docs/consumers.md). */
import { ordersHandler } from '../src/shared/container.js';

export const handler = ordersHandler();
