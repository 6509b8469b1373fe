// Bundles what the two entry points load, the server (src/main.ts → dist/main.js) and the command
// line (src/cli/run.ts → dist/cli/run.js), into one file each, after `tsc` has compiled every module
// into dist/ (the migrate script, the benchmark's seeder and anything else importing single modules
// keep using those). The entry points themselves, dist/server.js and dist/cli.js, stay small: they
// turn on Node's compile cache, then import their bundle.
//
// Why: a server process otherwise resolves, reads, compiles and links about 650 module files
// before it can answer (TypeBox and drizzle-orm alone ship some 400 small ESM files); one file
// halves the time to the first answer. Modules that are imported on demand (node-postgres, jose)
// stay inside the bundle but are only evaluated when first imported.
//
// Left outside, loaded from node_modules at run time: better-sqlite3 (a native addon),
// @fastify/swagger-ui (it serves its own files, found next to its code) and yaml (imported on
// demand, and a dependency of @fastify/swagger-ui anyway).
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const dist = join(root, 'dist')
const toUrlPath = (path) => path.split(sep).join('/')

/**
 * Our modules locate files from their own URL (`new URL('../../../migrations/sqlite',
 * import.meta.url)`). In a bundle, each one sees the URL it has in the per-module build
 * (dist/repositories/sqlite/client.js, …), so those paths resolve as they always did.
 */
const moduleUrlAsBuilt = (bundleFile) => ({
  name: 'module-url-as-built',
  setup (esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(src + sep)) return undefined
      const contents = await readFile(path, 'utf8')
      if (!contents.includes('import.meta.url')) return undefined
      const asBuilt = join(dist, relative(src, path)).replace(/\.ts$/, '.js')
      const fromBundle = toUrlPath(relative(dirname(bundleFile), asBuilt))
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'ts' }
    })
  },
})

const common = { platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' }

// The entry points, compiled alone.
await build({ ...common, entryPoints: [join(src, 'server.ts'), join(src, 'cli.ts')], outdir: dist })

/**
 * esbuild escapes every character beyond ASCII in code (its default `charset`) but copies comments
 * as they are; one `→` in a comment makes V8 hold the whole source as UTF-16, twice the memory (the
 * source of a module stays in the heap for as long as the process runs).
 */
const latin1Only = (text) => text.replace(/[^\0-\xff]/gu, (character) => `\\u{${character.codePointAt(0).toString(16)}}`)

for (const entry of ['main.ts', 'cli/run.ts']) {
  const outfile = join(dist, entry.replace(/\.ts$/, '.js'))
  const { outputFiles } = await build({
    ...common,
    write: false,
    entryPoints: [join(src, entry)],
    outfile,
    bundle: true,
    external: ['better-sqlite3', '@fastify/swagger-ui', 'yaml'],
    // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
    // No `keepNames`: it wraps every function expression in a call that redefines its `name`, and
    // closures made per request (hooks, callbacks) paid for it on every request: about a quarter
    // of the CPU of a retrieve, the redefined functions falling out of V8's fast object shapes.
    // esbuild renames only what collides inside the bundle (none of our classes nor any class
    // whose name is read at run time: Fastify and avvio test `constructor.name === 'AsyncFunction'`,
    // a built-in name; the error serialiser logs `err.constructor.name`).
    keepNames: false,
    plugins: [moduleUrlAsBuilt(outfile)],
  })
  for (const file of outputFiles) {
    await mkdir(dirname(file.path), { recursive: true })
    await writeFile(file.path, latin1Only(file.text))
  }
}
