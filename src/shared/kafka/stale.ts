/**
 * The one recovery from stale client state. kafkajs caches what the cluster can change under it: a client's
 * metadata keeps every topic it has touched and asks for all of them again (so once someone deletes one,
 * every request of that client fails with UNKNOWN_TOPIC_OR_PARTITION, see KafkaConnection), a producer keeps
 * its partition map and leaders, an idempotent producer its sequence numbers. When an answer shows such
 * state out of date, and so that nothing was done, the state is replaced and the call runs once more within
 * the caller's deadline; a second failure is the answer. Used by KafkaAdmin.run (an admin whose metadata
 * names a deleted topic; the writer's metadata look-ups go through it too) and KafkaRecordWriter.write (a
 * producer's partition map or sequence state). Which broker answers show stale state is a column of Kafka's
 * error table (errors.ts).
 */
import { type ServiceError, TopicNotFoundError } from '../errors.js';

/** How often a call runs again after a refresh of what the client had out of date. */
const STALE_RETRIES = 1;

/** 404s that a request about that very topic confirmed (not a stale admin's). */
const confirmedMissing = new WeakSet<ServiceError>();

/**
 * Marks a TopicNotFoundError as confirmed by a request about that very topic (a metadata request naming
 * only it), so no recovery is tried. Returns `error`.
 */
export function confirmMissing(error: ServiceError): ServiceError {
  confirmedMissing.add(error);
  return error;
}

/** Whether a request about that very topic confirmed this 404 (else the admin's metadata may be stale). */
export function isConfirmedMissing(error: ServiceError): boolean {
  return confirmedMissing.has(error);
}

/** A "topic not found" no request about that topic confirmed: the admin's metadata may name a deleted topic. */
export function isStaleAdminAnswer(error: unknown): boolean {
  return error instanceof TopicNotFoundError && !confirmedMissing.has(error);
}

/** How one run of a call ended. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `attempt`; while `isStale` says its outcome shows the client's state out of date, `refresh` replaces
 * that state and `attempt` runs again, at most {@link STALE_RETRIES} more times and not after `deadline`
 * (epoch ms). Resolves with the last run's value or rejects with its error; a `refresh` that throws ends
 * the recovery with that error.
 *
 * @example
 * await recoverStaleState({
 *   deadline,
 *   attempt: () => operation(admin),
 *   isStale: (outcome) => !outcome.ok && isStaleAdminAnswer(outcome.error),
 *   refresh: () => connection.resetAdmin(),
 * });
 */
export async function recoverStaleState<T>(options: {
  deadline: number;
  attempt: () => Promise<T>;
  isStale: (outcome: Settled<T>) => boolean;
  refresh: (outcome: Settled<T>) => void | Promise<void>;
}): Promise<T> {
  for (let round = 0; ; round++) {
    const outcome: Settled<T> = await options.attempt().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (round === STALE_RETRIES || Date.now() >= options.deadline || !options.isStale(outcome)) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await options.refresh(outcome);
  }
}
