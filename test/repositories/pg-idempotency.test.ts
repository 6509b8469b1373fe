// The idempotency repository contract on PostgreSQL (PGlite, or the TEST_DATABASE_URL server).
import { makeTestPgRepositories, testBackend } from '../helpers/pg.js'
import { runIdempotencyContract } from './idempotency-contract.js'

runIdempotencyContract(`postgresql (${testBackend})`, async ({ now }) => makeTestPgRepositories({ now }))
