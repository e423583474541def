import { defineConfig } from 'vitest/config';

/**
 * Tests that need Apache Kafka itself, whatever LOCAL_BROKER says: the SASL listeners (the embedded broker
 * speaks no SASL). They start their own Apache Kafka, so they need Java: npm run test:kafka runs them.
 */
const APACHE_KAFKA_ONLY = ['test/integration/kafka/sasl.test.ts'];

/** Settings of every project that talks to a broker: one test file at a time, generous timeouts. */
const brokerProject = {
  environment: 'node' as const,
  setupFiles: ['test/integration/setup.ts'],
  fileParallelism: false,
};

export default defineConfig({
  // `vitest --watch` watches the repository: never the broker's data, venvs, caches or build output.
  server: { watch: { ignored: ['**/.local/**', '**/.cache/**', '**/.esbuild*/**', '**/.serverless/**'] } },
  test: {
    // The JSON report lets .ci/run print one 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: '.cache/test-results.json' }]],
    // `npm test` runs with --coverage: every project counts, in one run (no project runs twice). Code that
    // serverless offline runs in its own processes (the plugins, the functions) is not instrumented there,
    // so unit tests carry the plugins' coverage.
    coverage: {
      provider: 'v8',
      include: ['src/shared/**/*.ts', 'src/serverless-kafka-events/**/*.ts', 'src/offline-gateway/**/*.ts'],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
      reportsDirectory: '.cache/coverage',
      thresholds: { lines: 90 },
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // Against the broker LOCAL_BROKER names (embedded by default) or KAFKA_BROKERS.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: APACHE_KAFKA_ONLY,
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          ...brokerProject,
        },
      },
      {
        test: {
          name: 'apache-kafka',
          include: APACHE_KAFKA_ONLY,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          ...brokerProject,
        },
      },
      {
        test: {
          // One suite for the embedded broker and Apache Kafka (LOCAL_BROKER). The scenarios in cli/ need
          // kcat and Java (Apache Kafka's tools): npm test leaves them out (package.json).
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          globalSetup: ['test/conformance/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          ...brokerProject,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          environment: 'node',
          // The first run installs cfn-lint from PyPI; linting a generated template takes seconds.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
