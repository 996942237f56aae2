import { AppError } from '../errors.js'
import { isWellFormed } from '../lib/unicode.js'

export const MAX_CONTENT_CODE_POINTS = 4000
export const PREVIEW_CODE_POINTS = 100

// Control characters other than tab and newline: NUL, bell, escape, DEL, C1.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/

export const MAX_CLIENT_MSG_ID_LENGTH = 64

/** Trims and checks message content; returns what is stored. */
export function normaliseContent (raw: string): string {
  const content = raw.trim()

  if (!isWellFormed(content)) throw new AppError('BAD_REQUEST', 'content must be valid Unicode')
  if (FORBIDDEN_CONTROL.test(content)) {
    throw new AppError('BAD_REQUEST', 'content must not contain control characters other than newline and tab')
  }

  const length = codePointLength(content)
  if (length === 0) throw new AppError('BAD_REQUEST', 'content must not be empty')
  if (length > MAX_CONTENT_CODE_POINTS) {
    throw new AppError('PAYLOAD_TOO_LARGE', `content is limited to ${MAX_CONTENT_CODE_POINTS} characters`)
  }

  return content
}

/**
 * A client's idempotency key: 1 to 64 characters of valid Unicode without
 * control characters (PostgreSQL text cannot hold NUL, nor JSON a lone surrogate).
 */
export function checkClientMsgId (raw: unknown): string {
  const valid = typeof raw === 'string' && raw.length >= 1 && raw.length <= MAX_CLIENT_MSG_ID_LENGTH &&
    isWellFormed(raw) && !/[\u0000-\u001F\u007F]/.test(raw)
  if (!valid) {
    throw new AppError('BAD_REQUEST',
      `clientMsgId must be 1 to ${MAX_CLIENT_MSG_ID_LENGTH} characters without control characters`)
  }
  return raw
}

export function codePointLength (text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

export function preview (content: string): string {
  return Array.from(content).slice(0, PREVIEW_CODE_POINTS).join('')
}
