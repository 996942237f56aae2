import { AppError } from '../errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid (value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

/** A malformed id is a bad request, never a database error. */
export function requireUuid (value: unknown, field: string): string {
  if (!isUuid(value)) throw new AppError('BAD_REQUEST', `${field} must be a UUID`)
  return value.toLowerCase()
}
