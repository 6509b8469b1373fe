// Runs the curl examples of the README's "Authentication and isolation" section, each block against
// a server configured with the environment its first `npm start` line sets.
import { readFileSync } from 'node:fs'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { startServer } from './helpers/server.js'

interface Curl { method: string, url: string, headers: Record<string, string>, expected: number }
interface Block { env: Record<string, string>, curls: Curl[] }

function readmeBlocks (): Block[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.split('## Authentication and isolation')[1]!.split('\n## ')[0]!
  return section.split('```bash\n').slice(1).map((chunk) => {
    const lines = chunk.split('```')[0]!.replace(/\\\n\s*/g, ' ').split('\n')
    const start = lines.find((line) => line.includes('npm start')) ?? ''
    const env = Object.fromEntries([...start.split('npm start')[0]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]))
    const curls = lines.filter((line) => line.startsWith('curl ')).map((line) => {
      const [command, comment = ''] = line.split(/\s#\s/)
      const headers = Object.fromEntries([...command!.matchAll(/-H (?:'([^']*)'|"([^"]*)")/g)].map((m) => {
        const [name, ...value] = (m[1] ?? m[2]!).split(': ')
        return [name!.toLowerCase(), value.join(': ')]
      }))
      return {
        method: /-X (\w+)/.exec(command!)?.[1] ?? 'GET',
        url: /'?(http:\/\/localhost:8080[^'\s]*)'?/.exec(command!)![1]!,
        headers,
        expected: /^(\d{3})\b/.exec(comment)?.[1] === undefined ? 200 : Number(/^(\d{3})/.exec(comment)![1]),
      }
    })
    return { env, curls }
  }).filter((block) => block.curls.length > 0)
}

describe('README authentication examples', () => {
  const blocks = readmeBlocks()

  it('are found: open mode, API keys, JWT, Azure, ElevenLabs', () => {
    expect(blocks.map((b) => Object.keys(b.env).filter((k) => k !== 'HOST'))).toEqual([
      [], ['API_KEYS'], ['JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE'], ['API_KEYS'], ['API_KEYS'],
    ])
  })

  it.each(blocks.map((block, index) => [index, block] as const))('block %i answers as documented', async (_index, block) => {
    const { auth } = loadConfig(block.env)
    const server = await startServer({ auth })
    try {
      const origin = server.baseURL.replace(/\/v1$/, '')
      const vars: Record<string, string> = {}
      if (block.env.JWT_SECRET !== undefined) {
        vars.TOKEN = await new SignJWT({ sub: 'user-42' }).setProtectedHeader({ alg: 'HS256' })
          .setIssuer(block.env.JWT_ISSUER!).setAudience(block.env.JWT_AUDIENCE!).setExpirationTime('1h')
          .sign(new TextEncoder().encode(block.env.JWT_SECRET))
      }
      if (block.curls.some((c) => c.url.includes('$CONV') && c.method === 'DELETE')) {
        const created = await fetch(`${origin}/v1/conversations`, { method: 'POST', headers: block.curls[0]!.headers })
        vars.CONV = (await created.json() as { id: string }).id
      }
      const expand = (text: string): string => text.replace(/\$(\w+)/g, (_, name: string) => vars[name] ?? `$${name}`)
      for (const curl of block.curls) {
        const headers = Object.fromEntries(Object.entries(curl.headers).map(([k, v]) => [k, expand(v)]))
        const response = await fetch(expand(curl.url).replace('http://localhost:8080', origin), { method: curl.method, headers })
        const body = await response.json() as { id?: string }
        expect({ curl: curl.url, status: response.status }).toEqual({ curl: curl.url, status: curl.expected })
        if (curl.method === 'POST' && body.id !== undefined) vars.CONV = body.id
      }
    } finally {
      await server.close()
    }
  })
})
