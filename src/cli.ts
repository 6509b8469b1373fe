#!/usr/bin/env node
// `conversations-server` executable: see cli/run.ts for the commands.
import { runCli } from './cli/run.js'

process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
