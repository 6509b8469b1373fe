// Global setup of the `postgres` test project: names this run's databases, and drops them all
// when the run ends (each test file creates its own on TEST_DATABASE_URL).
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'

export default function setup (project: TestProject): () => Promise<void> {
  const prefix = `conv_test_${randomBytes(4).toString('hex')}_`
  project.provide('pgDatabasePrefix', prefix)
  return async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await admin.connect()
    try {
      const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix])
      for (const { datname } of rows) await admin.query(`DROP DATABASE "${datname}" WITH (FORCE)`)
    } finally {
      await admin.end()
    }
  }
}
