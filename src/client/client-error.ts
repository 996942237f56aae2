/**
 * Codes the client itself raises, beside the server's own
 * (BAD_REQUEST, FORBIDDEN, NOT_FOUND, RATE_LIMITED, ...).
 */
export type LocalErrorCode =
  | 'TIMEOUT' // no answer within the request timeout
  | 'DISCONNECTED' // the socket closed before the answer came
  | 'CLOSED' // the client was closed
  | 'NETWORK' // an HTTP call could not reach the server

/** Every failure the client reports, with a stable code. */
export class ChatClientError extends Error {
  readonly code: string
  readonly retryAfterMs?: number
  /** HTTP status when the error came from an HTTP call. */
  readonly statusCode?: number

  constructor (code: LocalErrorCode | string, message: string, options: {
    retryAfterMs?: number
    statusCode?: number
  } = {}) {
    super(message)
    this.name = 'ChatClientError'
    this.code = code
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
    if (options.statusCode !== undefined) this.statusCode = options.statusCode
  }
}

/** Errors worth retrying later rather than reporting to the caller. */
export function isTransient (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'DISCONNECTED' || code === 'NETWORK' || code === 'UNAVAILABLE'
}
