import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Five projects: Node (unit, integration, fault), postgres (the platform's integration suites again,
// on a throw-away PostgreSQL cluster: tests/fixtures/test-storage.ts), jsdom (renderer), e2e (real
// Chromium) and e2e-postgres (real Chromium, two apps on two platform instances sharing one database of a
// throw-away cluster). Integration and fault tests run real HTTP servers and SQLCipher files, so they get
// generous timeouts.
//
// What runs twice: the platform suites (tests/integration/platform*), which exercise the storage through
// every way in. The client suites (sync, messaging, DSP, e2e) talk to a platform over HTTP and exercise
// the client; they stay on SQLite, so CI time grows by the platform suites only.
const PLATFORM_SUITES = ['tests/integration/platform/**/*.test.ts', 'tests/integration/platform-*/**/*.test.ts'];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/fault/**/*.test.ts'],
          exclude: ['tests/integration/postgres/**'],
          setupFiles: ['tests/fixtures/cleanup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'postgres',
          environment: 'node',
          include: [...PLATFORM_SUITES, 'tests/integration/postgres/**/*.test.ts'],
          // These look at SQLite's own files (modes, the secret's file, bytes in the WAL) or start the CLI on one.
          exclude: [
            'tests/integration/platform/platform-files-owner-only.security.test.ts',
            'tests/integration/platform/signing-secret-file.security.test.ts',
            'tests/integration/platform/unhandled-rejection.security.test.ts',
            'tests/integration/platform-messaging/ciphertext-only.test.ts',
            'tests/integration/platform-storage/sqlite-durable-answers.test.ts',
            'tests/integration/platform-storage/sqlite-close-in-last-breath.test.ts',
          ],
          env: { PLATFORM_TEST_STORAGE: 'postgres' },
          globalSetup: ['tests/fixtures/postgres-global-setup.ts'],
          setupFiles: ['tests/fixtures/cleanup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['tests/renderer/**/*.test.tsx', 'tests/renderer/**/*.test.ts'],
          setupFiles: ['tests/renderer/setup.ts', 'tests/fixtures/cleanup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: ['tests/e2e/postgres/**'],
          setupFiles: ['tests/fixtures/cleanup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Chromium against platform instances on PostgreSQL: the e2e project's settings, plus a cluster of its own.
        test: {
          name: 'e2e-postgres',
          environment: 'node',
          include: ['tests/e2e/postgres/**/*.test.ts'],
          globalSetup: ['tests/fixtures/postgres-global-setup.ts'],
          setupFiles: ['tests/fixtures/cleanup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
