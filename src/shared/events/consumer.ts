/** The events function: `events` to `events.processed` (docs/consumers.md). */
import type { ConsumerDefinition } from '../consumer/runtime.js';
import { handleEvent } from './process.js';
import { type EventInput, EventValue } from './schema.js';

/** The events function: validates, enriches and keys each event (docs/consumers.md). */
export const eventsConsumer: ConsumerDefinition<EventInput> = {
  name: 'events',
  value: { format: 'json', schema: EventValue },
  handler: { record: handleEvent },
};
