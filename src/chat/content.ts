import { AppError } from '../errors.js'

export const MAX_CONTENT_CODE_POINTS = 4000
export const PREVIEW_CODE_POINTS = 100

// Control characters other than tab and newline: NUL, bell, escape, DEL, C1.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/

/** Trims and checks message content; returns what is stored. */
export function normaliseContent (raw: string): string {
  const content = raw.trim()

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

export function codePointLength (text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

export function preview (content: string): string {
  return Array.from(content).slice(0, PREVIEW_CODE_POINTS).join('')
}
