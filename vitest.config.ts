import { defineConfig } from 'vitest/config'

// The repository contract suites bound to PostgreSQL (the SQLite ones live beside them).
const pgRepositorySuites = ['test/repositories/pg*.test.ts']
// Suites that go through the repository interfaces only, so they run unchanged on every backend.
const backendAgnostic = [
  ...pgRepositorySuites,
  'test/routes/**/*.test.ts',
  'test/sdk/**/*.test.ts',
  'test/auth/cross-tenant.test.ts',
  'test/plugins/metrics.test.ts',
]
// Needs several server processes on one real PostgreSQL server.
const postgresServerOnly = ['test/pg/**/*.test.ts']

const shared = { pool: 'forks' as const, testTimeout: 30_000, hookTimeout: 60_000 }

export default defineConfig({
  test: {
    projects: [
      // Everything on SQLite (the default store), except what needs PostgreSQL.
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...pgRepositorySuites, ...postgresServerOnly], env: { TEST_BACKEND: 'sqlite' } } },
      // The same suites on PostgreSQL in-process (PGlite), so `npm test` needs no server.
      { test: { ...shared, name: 'pglite', include: backendAgnostic, env: { TEST_BACKEND: 'pglite' }, globalSetup: ['test/helpers/pglite-global-setup.ts'] } },
      // And on a real PostgreSQL server when one is given (CI starts one).
      ...(process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== ''
        ? [{ test: { ...shared, name: 'postgres', include: [...backendAgnostic, ...postgresServerOnly], env: { TEST_BACKEND: 'postgres' }, globalSetup: ['test/helpers/pg-global-setup.ts'] } }]
        : []),
    ],
  },
})
