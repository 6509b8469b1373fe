// Bundles the two entry points, the server (dist/server.js) and the command line (dist/cli.js),
// each into one file, after `tsc` has compiled every module into dist/ (the migrate script, the
// benchmark's seeder and anything else importing single modules keep using those).
//
// Why: a server process otherwise resolves, reads, compiles and links about 650 module files
// before it can answer (TypeBox and drizzle-orm alone ship some 400 small ESM files); one file
// halves the time to the first answer. Modules that are imported on demand (node-postgres, jose,
// the YAML parser) stay inside the bundle but are only evaluated when first imported.
//
// Two kinds of dependencies stay outside, loaded from node_modules at run time: better-sqlite3
// (a native addon) and @fastify/swagger-ui (it serves its own files, found next to its code).
import { fileURLToPath } from 'node:url'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const external = ['better-sqlite3', '@fastify/swagger-ui', 'yaml']

/**
 * Our modules locate files from their own URL (`new URL('../../../migrations/sqlite',
 * import.meta.url)`). In the bundle, each one sees the URL it has in the per-module build
 * (dist/repositories/sqlite/client.js, …), so those paths resolve as they always did.
 */
const moduleUrlAsBuilt = {
  name: 'module-url-as-built',
  setup (esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(src + sep)) return undefined
      const contents = await readFile(path, 'utf8')
      if (!contents.includes('import.meta.url')) return undefined
      const asBuilt = relative(src, path).split(sep).join('/').replace(/\.ts$/, '.js')
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(asBuilt)}, import.meta.url).href`), loader: 'ts' }
    })
  },
}

await build({
  entryPoints: { server: join(src, 'server.ts'), cli: join(src, 'cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  // Function and class names as written (logs, error names, plugin names).
  keepNames: true,
  plugins: [moduleUrlAsBuilt],
  logLevel: 'warning',
})
