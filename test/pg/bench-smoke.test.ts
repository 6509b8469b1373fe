// `npm run bench -- --database=…` keeps working: the benchmark's smallest profile, run end to end
// on the PostgreSQL server of TEST_DATABASE_URL (the role needs CREATEDB) against the production
// build; the same checks as on SQLite (test/process/bench-smoke.ts), and the run's database is gone
// afterwards.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { expectCompleteSmokeRun, runSmokeBench, smokeWorkspace } from '../process/bench-smoke.js'

const workspace = smokeWorkspace()

describe('the benchmark on PostgreSQL', () => {
  it('runs every scenario against its ceiling in a database of its own, writes complete reports and drops the database (--smoke)', async () => {
    const server = process.env.TEST_DATABASE_URL!
    const { out } = workspace
    expectCompleteSmokeRun(await runSmokeBench(workspace.dir(), out, [`--database=${server}`]), out, 'postgres')

    // The run's database is named after its start time.
    const { date } = JSON.parse(readFileSync(join(out, 'latest-smoke-postgres.json'), 'utf8')) as { date: string }
    const admin = new pg.Client({ connectionString: server })
    await admin.connect()
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [`conversations_bench_${Date.parse(date)}`])
      expect(rows).toEqual([])
    } finally {
      await admin.end()
    }
  }, 180_000)
})
