/**
 * The one registry of error codes, shared by HTTP and the WebSocket.
 * A code is never reused for another fault once published.
 */
export const ErrorCodes = {
  BAD_REQUEST: { statusCode: 400, message: 'The request is malformed' },
  UNAUTHENTICATED: { statusCode: 401, message: 'A valid token is required' },
  FORBIDDEN: { statusCode: 403, message: 'Not allowed' },
  NOT_FOUND: { statusCode: 404, message: 'Not found' },
  CONFLICT: { statusCode: 409, message: 'Conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, message: 'Payload too large' },
  RATE_LIMITED: { statusCode: 429, message: 'Too many requests' },
  INTERNAL: { statusCode: 500, message: 'Internal error' },
  UNAVAILABLE: { statusCode: 503, message: 'Service unavailable' }
} as const

export type ErrorCode = keyof typeof ErrorCodes

/** WebSocket close codes the server uses, with the reason sent. */
export const CloseCodes = {
  GOING_AWAY: { code: 1001, reason: 'server shutting down' },
  PROTOCOL_ERROR: { code: 1002, reason: 'protocol error' },
  INVALID_PAYLOAD: { code: 1007, reason: 'invalid UTF-8' },
  MESSAGE_TOO_BIG: { code: 1009, reason: 'frame too large' },
  INTERNAL_ERROR: { code: 1011, reason: 'internal error' },
  TRY_AGAIN_LATER: { code: 1013, reason: 'slow consumer' },
  ADMIN_DISCONNECT: { code: 4000, reason: 'disconnected by an administrator' },
  UNAUTHENTICATED: { code: 4401, reason: 'unauthenticated' },
  AUTH_TIMEOUT: { code: 4408, reason: 'no auth in time' },
  FLOODING: { code: 4429, reason: 'rate limit exceeded repeatedly' }
} as const

export type CloseName = keyof typeof CloseCodes

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

export function statusText (statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? 'Error'
}

/** An expected fault with a stable code; safe to show to the client. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly retryAfterMs?: number

  constructor (code: ErrorCode, message?: string, options?: { retryAfterMs?: number }) {
    super(message ?? ErrorCodes[code].message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = ErrorCodes[code].statusCode
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }
}

export function isAppError (err: unknown): err is AppError {
  return err instanceof AppError
}

export const badRequest = (message?: string) => new AppError('BAD_REQUEST', message)
export const forbidden = (message?: string) => new AppError('FORBIDDEN', message)
export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`)
export const conflict = (message?: string) => new AppError('CONFLICT', message)
export const payloadTooLarge = (message?: string) => new AppError('PAYLOAD_TOO_LARGE', message)
export const rateLimited = (retryAfterMs: number) =>
  new AppError('RATE_LIMITED', 'Rate limit exceeded', { retryAfterMs })
