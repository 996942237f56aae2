/**
 * Cache key layout, relative to CACHE_PREFIX:
 *
 *   {kind}:{scope id}:{route}:{sorted query}   a cached response
 *   ~idx:{kind}:{scope id}                     the keys stored for one scope
 *   ~gen:{kind}:{scope id}                     bumped by each invalidation
 *
 * "{kind}:{scope id}" is a scope name. Scope ids and query parts are encoded
 * so that no character of a user id can act as a glob or a separator: a
 * pattern built for one scope never reaches another one.
 */

const SAFE = /[A-Za-z0-9_.-]/
const SAFE_IN_ROUTE = /[A-Za-z0-9_./-]/

export const INDEX_PREFIX = '~idx:'
export const GENERATION_PREFIX = '~gen:'

/** Scope id used when a cached response is the same for every caller. */
export const PUBLIC_SCOPE = 'all'

const KIND = /^[a-z][a-z0-9-]{0,31}$/

/** Escapes every character outside [A-Za-z0-9_.-] as ~XX per UTF-8 byte. */
export function encodeSegment (text: string, safe: RegExp = SAFE): string {
  let out = ''

  for (const char of text) {
    if (safe.test(char)) {
      out += char
      continue
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      out += '~' + byte.toString(16).toUpperCase().padStart(2, '0')
    }
  }

  return out
}

export function isValidKind (kind: string): boolean {
  return KIND.test(kind)
}

/** "{kind}:{encoded scope id}": what an invalidation names. */
export function scopeName (kind: string, scopeId: string): string {
  return `${kind}:${encodeSegment(scopeId)}`
}

/** The key of one cached response; method is left out so GET and HEAD share it. */
export function responseKey (scope: string, path: string, rawQuery: string): string {
  return `${scope}:${encodeSegment(path, SAFE_IN_ROUTE)}:${sortedQuery(rawQuery)}`
}

/** The scope name a response key belongs to (its first two segments). */
export function scopeOfKey (key: string): string | undefined {
  const first = key.indexOf(':')
  if (first < 1) return undefined

  const second = key.indexOf(':', first + 1)
  return second === -1 ? undefined : key.slice(0, second)
}

export function indexKey (scope: string): string {
  return INDEX_PREFIX + scope
}

export function generationKey (scope: string): string {
  return GENERATION_PREFIX + scope
}

/** Query parameters sorted by name then value, each part encoded. */
export function sortedQuery (rawQuery: string): string {
  const pairs = [...new URLSearchParams(rawQuery)]
    .map(([name, value]) => [encodeSegment(name), encodeSegment(value)])

  pairs.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]))
  return pairs.map(([name, value]) => `${name}=${value}`).join('&')
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Escapes glob characters so a fixed text matches only itself in SCAN MATCH. */
export function escapeGlob (text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => '\\' + char)
}
