// Operator entry kept for `npm run db:migrate`: the CLI's `migrate` command.
import { runCli } from '../cli/run.js'

process.exitCode = await runCli(['migrate', ...process.argv.slice(2)], { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
