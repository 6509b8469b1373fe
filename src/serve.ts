// Serving: configuration → app → listen, with graceful shutdown on SIGTERM/SIGINT. Shared by
// `node dist/server.js` and `conversations-server serve`.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { collectWhenIdle } from './idle-gc.js'

/** Builds the app (a ConfigError means a setting it refuses, e.g. open mode beyond loopback) and listens. */
export async function serve (config: Config): Promise<void> {
  const app = await buildApp(config)
  let stopCollecting = (): void => {}
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    stopCollecting()
    await app.close()
  })
  await app.listen({ host: config.host, port: config.port })
  stopCollecting = collectWhenIdle(app.server)
}
