// `npm run bench` keeps working: the benchmark's smallest profile, run end to end on SQLite against
// the production build (see bench-smoke.ts for what is checked, and why no target is).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { buildProjectCopy, expectCompleteSmokeRun, runSmokeBench } from './bench-smoke.js'

const reports = mkdtempSync(join(tmpdir(), 'conversations-bench-reports-'))
let dir: string | undefined
beforeAll(async () => { dir = await buildProjectCopy() }, 150_000)
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  rmSync(reports, { recursive: true, force: true })
})

describe('the benchmark', () => {
  it('runs every scenario against its ceiling on SQLite and writes complete reports (--smoke)', async () => {
    // A folder that does not exist yet, outside the project.
    const out = join(reports, 'smoke')
    expectCompleteSmokeRun(await runSmokeBench(dir!, out), out, 'sqlite')
  }, 180_000)
})
