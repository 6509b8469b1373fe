import { PGlite } from '@electric-sql/pglite'
let t = Date.now()
const a = new PGlite(); await a.waitReady
console.log('fresh', Date.now() - t)
const dump = await a.dumpDataDir('none')
console.log('dump size', dump.size)
t = Date.now()
const b = new PGlite({ loadDataDir: dump }); await b.waitReady
console.log('from dump', Date.now() - t)
t = Date.now()
const c = new PGlite(); await c.waitReady
console.log('fresh again same process', Date.now() - t)
