// The lifecycle repository contract on PostgreSQL (PGlite, or the TEST_DATABASE_URL server).
import { makeTestPgRepositories, testBackend } from '../helpers/pg.js'
import { runLifecycleContract } from './lifecycle-contract.js'

runLifecycleContract(`postgresql (${testBackend})`, async ({ now }) => makeTestPgRepositories({ now }))
