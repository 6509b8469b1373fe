// `npm run bench` keeps working: the benchmark's smallest profile, run end to end on SQLite against
// the production build (see bench-smoke.ts for what is checked, and why no target is).
import { describe, it } from 'vitest'
import { expectCompleteSmokeRun, runSmokeBench, smokeWorkspace } from './bench-smoke.js'

const workspace = smokeWorkspace()

describe('the benchmark', () => {
  it('runs every scenario against its ceiling on SQLite and writes complete reports (--smoke)', async () => {
    expectCompleteSmokeRun(await runSmokeBench(workspace.dir(), workspace.out), workspace.out, 'sqlite')
  }, 180_000)
})
