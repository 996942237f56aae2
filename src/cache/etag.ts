import { createHash } from 'node:crypto'

/** A strong validator derived from the body alone, so every instance agrees. */
export function etagOf (body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

/**
 * True when an If-None-Match header names this ETag. The header may list
 * several validators, weak ones included (W/"..."), or be "*"; If-None-Match
 * uses the weak comparison, so the W/ prefix is ignored.
 */
export function ifNoneMatchHits (header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false

  const text = Array.isArray(header) ? header.join(',') : header
  const wanted = opaque(etag)

  return text.split(',').some((part) => {
    const candidate = part.trim()
    return candidate === '*' || opaque(candidate) === wanted
  })
}

function opaque (tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}
