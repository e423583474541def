import { BrokerTimeoutError } from '../errors.js';

/**
 * Settles with `promise`, or rejects with a 504-mapped timeout at `deadline` (epoch ms). The Kafka client
 * keeps its own bounded retries; this is the caller's upper bound, so no request hangs.
 */
export function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new BrokerTimeoutError('the request deadline passed'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BrokerTimeoutError('the Kafka broker did not answer in time')),
      remaining,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
