import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

/**
 * Parts that depend on Redis (the broker's subscriptions, presence) register
 * a check here; Redis counts as up on /ready only when all of them say so.
 */
export class Readiness {
  private readonly checks = new Map<string, () => boolean>()

  constructor (private readonly linkUp: () => boolean) {}

  addRedisCheck (name: string, check: () => boolean): void {
    this.checks.set(name, check)
  }

  redisReady (): boolean {
    if (!this.linkUp()) return false
    for (const check of this.checks.values()) if (!check()) return false
    return true
  }
}

async function readinessPlugin (app: FastifyInstance) {
  app.decorate('readiness', new Readiness(() => app.redisLink?.up ?? false))
}

export default fp(readinessPlugin, { name: 'readiness', dependencies: ['redis'] })
