// Runs the README's curl examples (parsed from the README itself) against a listening server.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type ListeningServer } from './helpers/server.js'

interface CurlCall { method: string, url: string, body?: string, headers: Record<string, string>, comment: string }

/** The curl lines of the README's first curl block after `heading` (a heading or any unique line), with their comments. */
function readmeCurlCalls (heading = '### curl, endpoint by endpoint'): CurlCall[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.split(heading)[1]!.split('```bash')[1]!.split('```')[0]!
  const lines = section.replace(/\\\n\s*/g, '').split('\n')
  const calls: CurlCall[] = []
  let comment = ''
  for (const line of lines) {
    if (line.startsWith('#')) comment = line.slice(1).trim()
    if (!line.startsWith('curl ')) continue
    const method = /-X (\w+)/.exec(line)?.[1] ?? (line.includes(' -d ') ? 'POST' : 'GET')
    const url = /(?:"|\s)(\$BASE[^"\s]*)/.exec(line)![1]!
    const body = /-d '([^']*)'/.exec(line)?.[1]
    const headers = Object.fromEntries([...line.matchAll(/-H '([^:']+):\s*([^']*)'/g)].map(([, name, value]) => [name!.toLowerCase(), value!]))
    calls.push({ method, url, comment, headers, ...(body === undefined ? {} : { body }) })
  }
  return calls
}

/** Sends one README curl call, with `$NAME` replaced from `vars`, and expects its status (200 unless told). */
async function runCurl (call: CurlCall, vars: Record<string, string>, status = 200): Promise<Response> {
  const url = call.url.replace(/\$(\w+)/g, (_, name: string) => vars[name] ?? `$${name}`)
  const response = await fetch(url, {
    method: call.method,
    headers: { ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
    ...(call.body === undefined ? {} : { body: call.body }),
  })
  expect({ example: call.comment, status: response.status }).toEqual({ example: call.comment, status })
  return response
}

let server: ListeningServer
beforeAll(async () => { server = await startServer() })
afterAll(async () => { await server.close() })

describe('README curl examples', () => {
  it('cover the eight endpoints and all answer 200 with the documented shapes', async () => {
    const calls = readmeCurlCalls()
    expect(calls.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toEqual([
      'POST $BASE/conversations',
      'GET $BASE/conversations/$CONV',
      'POST $BASE/conversations/$CONV',
      'POST $BASE/conversations/$CONV/items',
      'GET $BASE/conversations/$CONV/items',
      'GET $BASE/conversations/$CONV/items/$ITEM',
      'DELETE $BASE/conversations/$CONV/items/$ITEM',
      'DELETE $BASE/conversations/$CONV',
    ])
    const vars: Record<string, string> = { BASE: server.baseURL }
    const objects: string[] = []
    for (const call of calls) {
      const response = await runCurl(call, vars)
      const body = await response.json() as { id: string, object?: string, type?: string, data?: Array<{ id: string }> }
      objects.push(body.object ?? `item:${body.type}`)
      if (call.url === '$BASE/conversations') vars.CONV = body.id
      if (call.url.endsWith('/items') && body.data !== undefined) vars.ITEM = body.data[0]!.id
    }
    expect(objects).toEqual(['conversation', 'conversation', 'conversation', 'list', 'list', 'item:message', 'conversation', 'conversation.deleted'])
  })
})

describe('README curl examples of the extensions', () => {
  it('list, search and fork answer 200 with the documented shapes', async () => {
    const calls = readmeCurlCalls('### curl, extensions')
    expect(calls.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toEqual([
      'GET $BASE/conversations',
      'GET $BASE/conversations/search',
      'POST $BASE/conversations/$CONV/fork',
    ])
    const created = await fetch(`${server.baseURL}/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { topic: 'demo' }, items: [{ type: 'message', role: 'user', content: 'Hello!' }] }),
    }).then(async (r) => await r.json() as { id: string })
    const vars: Record<string, string> = { BASE: server.baseURL, CONV: created.id }
    const answers: unknown[] = []
    for (const call of calls) {
      const response = await runCurl(call, vars)
      answers.push(await response.json())
    }
    expect(answers).toEqual([
      expect.objectContaining({ object: 'list', data: [expect.objectContaining({ id: created.id, metadata: { topic: 'demo' } })] }),
      expect.objectContaining({ object: 'list', data: [expect.objectContaining({ conversation_id: created.id, snippet: '<mark>Hello</mark>!' })] }),
      expect.objectContaining({ object: 'conversation', metadata: { branch: 'b' }, forked_from: { conversation_id: created.id, item_id: expect.any(String) } }),
    ])
  })
})

describe('README curl example of a retry after a delete', () => {
  it('refuses the retry with 400 idempotency_key_erased and adds nothing', async () => {
    const calls = readmeCurlCalls('Send a new request with a new key.')
    expect(calls.map((c) => `${c.method} ${c.url} ${JSON.stringify(c.headers)}`)).toEqual([
      'POST $BASE/conversations/$CONV/items {"idempotency-key":"add-1","content-type":"application/json"}',
      'DELETE $BASE/conversations/$CONV/items/$ITEM {}',
      'POST $BASE/conversations/$CONV/items {"idempotency-key":"add-1","content-type":"application/json"}',
    ])
    const created = await fetch(`${server.baseURL}/conversations`, { method: 'POST' }).then(async (r) => await r.json() as { id: string })
    const vars: Record<string, string> = { BASE: server.baseURL, CONV: created.id }
    const added = await (await runCurl(calls[0]!, vars)).json() as { data: Array<{ id: string }> }
    vars.ITEM = added.data[0]!.id
    await runCurl(calls[1]!, vars)
    const retry = await runCurl(calls[2]!, vars, 400)
    expect(await retry.json()).toEqual({
      error: {
        message: 'The answer to the request sent with this Idempotency-Key was erased because content it held has been deleted. The request is not run again; use a new key for a new request.',
        type: 'invalid_request_error',
        param: null,
        code: 'idempotency_key_erased',
      },
    })
    const listed = await fetch(`${server.baseURL}/conversations/${created.id}/items`).then(async (r) => await r.json() as { data: unknown[] })
    expect(listed.data).toEqual([])
  })
})
