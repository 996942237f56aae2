/**
 * What the management routes accept. Keys and patterns are relative to
 * CACHE_PREFIX, so nothing outside the cache namespace can be named; these
 * rules also keep the namespace's internal keys (~idx:, ~gen:) out of reach.
 */

const MAX_LENGTH = 1024
const FORBIDDEN = /[\s\p{Cc}*?[\]\\]/u

export const MANUAL_PREFIX = 'manual:'

/** Why a key is refused, or undefined when it is acceptable. */
export function keyProblem (key: string): string | undefined {
  if (key.length < 1 || key.length > MAX_LENGTH) return `key must be 1 to ${MAX_LENGTH} characters`
  if (FORBIDDEN.test(key)) return 'key must not contain whitespace, control or glob characters'
  if (key.startsWith('~')) return 'keys starting with ~ are internal'
  return undefined
}

/** A pattern is a literal key prefix ending in ":*", e.g. "dashboard:*". */
export function patternProblem (pattern: string): string | undefined {
  if (!pattern.endsWith(':*')) return 'pattern must end in ":*"'

  const literal = pattern.slice(0, -2)
  if (literal.length === 0) return 'pattern must start with a kind, e.g. "dashboard:*"'
  if (literal.length > MAX_LENGTH) return `pattern must be at most ${MAX_LENGTH} characters`
  if (FORBIDDEN.test(literal)) return 'only the final "*" may be a glob character'
  if (literal.startsWith('~')) return 'patterns starting with ~ are internal'
  return undefined
}

/**
 * Where a written key lands: always under manual:, so a write can never
 * replace a cached response ("probe" becomes "manual:probe").
 */
export function manualKey (key: string): string {
  return key.startsWith(MANUAL_PREFIX) ? key : MANUAL_PREFIX + key
}
