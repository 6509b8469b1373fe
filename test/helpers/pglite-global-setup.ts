// Global setup of the `pglite` test project: initialising a PGlite cluster takes seconds, loading
// one from a data directory image about one; so migrate one cluster here, save its image, and let
// every test file start from it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import type { TestProject } from 'vitest/node'
import { pgMigrationsFolder } from '../../src/repositories/pg/client.js'

export default async function setup (project: TestProject): Promise<() => void> {
  const client = new PGlite()
  await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder })
  const image = await client.dumpDataDir('none')
  await client.close()
  const dir = mkdtempSync(join(tmpdir(), 'conversations-pglite-'))
  const path = join(dir, 'migrated.tar')
  writeFileSync(path, Buffer.from(await image.arrayBuffer()))
  project.provide('pgliteImage', path)
  return () => { rmSync(dir, { recursive: true, force: true }) }
}
