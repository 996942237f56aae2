import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'

/**
 * One place decides what the logs hold. Tokens travel in the Authorization
 * header and, for browsers, in the ?token= query of /ws: both are redacted,
 * and request URLs are logged without their query string.
 */
export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    base: { instanceId: config.instanceId },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
      censor: '[redacted]'
    },
    serializers: {
      req (request) {
        return {
          method: request.method,
          url: stripQuery(request.url),
          remoteAddress: request.ip
        }
      }
    }
  }
}

export function stripQuery (url: string | undefined): string {
  if (!url) return ''
  const index = url.indexOf('?')
  return index === -1 ? url : url.slice(0, index)
}
