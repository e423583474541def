import { defineConfig } from 'vitest/config';

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
