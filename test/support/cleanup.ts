/**
 * Clean-ups registered while tests run (in a `beforeAll` or a test), run after the test file. vitest
 * silently ignores an `afterAll` registered at that point, so helpers that create resources (topics,
 * servers) register here instead; test/integration/setup.ts runs the list after each file.
 */
const cleanups: (() => Promise<unknown>)[] = [];

/** Runs `cleanup` after the current test file, newest first. */
export function afterFile(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

export async function runFileCleanups(): Promise<void> {
  const failures: unknown[] = [];
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
    await cleanup().catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw new AggregateError(failures, 'clean-up failed');
}
