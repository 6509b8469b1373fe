// The server process: configuration → app → listen (see serve.ts). A bad configuration exits with 78.
// Loaded by server.ts, the entry point.
import { ConfigError, loadConfig } from './config.js'
import { serve } from './serve.js'

async function main (): Promise<void> {
  try {
    await serve(loadConfig(process.env))
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(78)
    }
    throw error
  }
}

await main()
