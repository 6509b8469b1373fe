#!/usr/bin/env node
// `conversations-server` executable: see cli/run.ts for the commands (bundled into one file in the
// build). Node's compile cache is turned on first, as in server.ts.
import module from 'node:module'

;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
const { runCli } = await import('./cli/run.js')
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
