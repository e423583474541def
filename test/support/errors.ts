/** Helpers for asserting on the service's errors. */
import { ServiceError } from '../../src/shared/errors.js';

/** The ServiceError `promise` rejects with; fails when it resolves or rejects with anything else. */
export async function serviceFailure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}
