import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `vitest --watch` watches the repository: never the broker's data, venvs, caches or build output.
  server: { watch: { ignored: ['**/.local/**', '**/.cache/**', '**/.esbuild*/**', '**/.serverless/**'] } },
  test: {
    // The JSON report lets .ci/run print one 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: '.cache/test-results.json' }]],
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
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // One suite for the embedded broker and Apache Kafka: CONFORMANCE_BROKER=embedded|kafka.
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/conformance/global-setup.ts'],
          setupFiles: ['test/integration/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
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
