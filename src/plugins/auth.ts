import fastifyJwt, { type FastifyJWTOptions } from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { identityFromClaims, type Identity, type Role } from '../auth/identity.js'
import { UserRegistry } from '../auth/user-registry.js'
import { AppError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies a raw token (socket handshake, first frame, refresh). */
    verifyToken(token: string): Identity
    users: UserRegistry
  }
  interface FastifyRequest {
    identity: Identity | null
  }
  interface FastifyContextConfig {
    /** Set on routes that need no token (/health, /docs, ...). */
    public?: boolean
    /** Roles allowed on the route; any authenticated role when absent. */
    roles?: Role[]
  }
}

export interface AuthOptions {
  secret?: string
  publicKey?: string
}

async function authPlugin (app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyJwt, jwtOptions(options))

  app.decorate('users', new UserRegistry(app.db.db))
  app.decorate('verifyToken', (token: string) => verifyToken(app, token))
  app.decorateRequest('identity', null)

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public || !request.routeOptions.url) return
    // The socket route authenticates in its own upgrade hook (header, query or first frame).
    if (request.routeOptions.url === '/ws') return

    request.identity = await authenticateRequest(app, request)
  })
}

function jwtOptions (options: AuthOptions): FastifyJWTOptions {
  const requiredClaims = ['exp', 'sub', 'role']

  if (options.publicKey) {
    return {
      secret: { public: options.publicKey },
      verify: { requiredClaims, algorithms: ['RS256', 'ES256'] }
    }
  }

  if (!options.secret) throw new Error('a JWT secret or public key is required')
  return { secret: options.secret, verify: { requiredClaims, algorithms: ['HS256'] } }
}

function verifyToken (app: FastifyInstance, token: string): Identity {
  let claims: unknown

  try {
    claims = app.jwt.verify(token)
  } catch (err) {
    throw new AppError('UNAUTHENTICATED', describeJwtError(err))
  }

  return identityFromClaims(claims)
}

async function authenticateRequest (app: FastifyInstance, request: FastifyRequest) {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw new AppError('UNAUTHENTICATED', 'Authorization: Bearer <token> is required')

  const identity = app.verifyToken(token)
  await app.users.ensure(identity)

  const roles = request.routeOptions.config?.roles
  if (roles && !roles.includes(identity.role)) {
    throw new AppError('FORBIDDEN', `This route is for ${roles.join(' or ')} users`)
  }

  return identity
}

export function bearerToken (header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

function describeJwtError (err: unknown): string {
  const code = (err as { code?: string }).code
  if (code === 'FAST_JWT_EXPIRED') return 'Token expired'
  if (code === 'FAST_JWT_MISSING_REQUIRED_CLAIM') return 'Token is missing a required claim'
  if (code === 'FAST_JWT_INVALID_ALGORITHM') return 'Token algorithm not accepted'
  return 'Invalid token'
}

export default fp(authPlugin, { name: 'auth', dependencies: ['database'] })
