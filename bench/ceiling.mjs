// The ceiling: a bare Fastify server (no logger, no hooks, no validation) answering every route
// and method with a static JSON body of a chosen size. Whatever our server achieves, no JSON
// route on this machine can beat this; POST bodies are parsed like ours are.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
let body = '{}'

/** A JSON object of exactly `bytes` bytes. */
const jsonOfSize = (bytes) => {
  const frame = '{"object":"list","data":""}'
  return `{"object":"list","data":"${'x'.repeat(Math.max(0, bytes - frame.length))}"}`
}

app.put('/__ceiling/size/:bytes', async (request) => {
  body = jsonOfSize(Number(request.params.bytes))
  return { bytes: Buffer.byteLength(body) }
})
app.all('/*', (request, reply) => { reply.type('application/json; charset=utf-8').send(body) })

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`)
process.on('SIGTERM', () => { app.close().then(() => process.exit(0)) })
