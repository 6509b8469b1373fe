// Who is calling: an onRequest hook on every route resolves the request's credential to an owner
// scope (`request.owner`), which every repository call takes. Routes declaring
// `config: { auth: false }` (health, metrics, docs) skip it. The hook also runs before unknown
// routes answer 404, so without valid credentials nothing about the server's routes is revealed
// (as api.openai.com answers 401 before routing).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { authEnabled, createAuthenticator, describeAuth, type AuthSettings } from '../auth/authenticate.js'
import { isolationKey } from '../auth/credentials.js'
import { isolatedOwner, openOwner } from '../auth/owner.js'
import { checkAuthPolicy, isLoopbackHost } from '../config.js'

export const defaultOwner = openOwner

declare module 'fastify' {
  interface FastifyRequest {
    owner: string
  }
  interface FastifyContextConfig {
    /** false: the route answers without credentials (health, metrics, docs). */
    auth?: boolean
  }
}

export interface IdentityOptions {
  auth: AuthSettings
  host: string
}

async function identity (app: FastifyInstance, { auth, host }: IdentityOptions): Promise<void> {
  checkAuthPolicy(host, auth)
  if (authEnabled(auth)) app.log.info({ auth: describeAuth(auth) }, 'authentication enabled')
  else if (isLoopbackHost(host)) app.log.info('no authentication configured: every caller shares one owner (loopback only)')
  else app.log.warn({ host }, 'no authentication configured on a non-loopback interface (ALLOW_UNAUTHENTICATED=true): anyone who can reach this server can read and change every conversation')

  const authenticate = await createAuthenticator(auth)
  app.decorateRequest('owner', openOwner)
  // A callback hook, not an async one: most requests resolve their owner synchronously.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config?.auth === false) return done()
    const settle = (owner: string): void => { request.owner = isolatedOwner(owner, isolationKey(request.headers)) }
    let owner: string | Promise<string>
    try {
      owner = authenticate(request.headers)
      if (typeof owner === 'string') settle(owner)
    } catch (error) {
      return done(error as Error)
    }
    if (typeof owner === 'string') return done()
    // Whatever fails on the way (the token, or settling the owner) reaches Fastify's error handler.
    owner.then(settle).then(() => done(), done)
  })
}

export default fp(identity, { name: 'identity', fastify: '5.x' })
