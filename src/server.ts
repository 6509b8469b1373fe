// Process entry (`node dist/server.js`). It turns on Node's on-disk compile cache (Node 22.1+; Node 20
// has none) before loading the server (main.ts, bundled into one file in the build), so that later
// starts reuse the compiled code instead of compiling it again, as TypeScript's own executable does.
// The cache lives in the system's temporary directory; NODE_COMPILE_CACHE=<dir> moves it and
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import module from 'node:module'

;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import('./main.js')
