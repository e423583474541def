/** A small closed-loop HTTP load generator: a fixed number of workers, bounded by count and by time. */

export interface LoadOptions {
  url: string;
  body: string;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
}

export interface LoadResult {
  requests: number;
  failures: number;
  /** The first failure's status and body, to report. */
  firstFailure: string | undefined;
  seconds: number;
  /** Milliseconds, one per request. */
  latencies: number[];
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      issued++;
      const sent = performance.now();
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: options.body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status !== 200) {
          failures++;
          firstFailure ??= `${response.status}: ${text.slice(0, 300)}`;
        }
      } catch (error) {
        failures++;
        firstFailure ??= String(error);
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    requests: latencies.length,
    failures,
    firstFailure,
    seconds: (performance.now() - started) / 1000,
    latencies,
  };
}
