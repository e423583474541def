/** Where the registry keeps its records; see kafka-store.ts for the durable one. */
import type { StoreRecord } from './model.js';

export interface Store {
  /** Every record kept so far, oldest first. A compacted log may have dropped records later ones replaced. */
  load(): Promise<StoreRecord[]>;
  /**
   * Appends `records` in order and resolves once they are durable (for Kafka: acknowledged by all in-sync
   * replicas). On rejection none of them may be taken as written.
   */
  append(records: StoreRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A store that lives as long as the process: for unit tests and throw-away registries. */
export class MemoryStore implements Store {
  readonly records: StoreRecord[] = [];

  async load(): Promise<StoreRecord[]> {
    return [...this.records];
  }

  async append(records: StoreRecord[]): Promise<void> {
    this.records.push(...structuredClone(records));
  }

  async close(): Promise<void> {}
}
