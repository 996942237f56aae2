// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * True when the string is valid Unicode. JSON lets a client send a lone
 * surrogate ("\ud800"), which PostgreSQL refuses inside JSON and which no
 * UTF-8 encoder can represent faithfully.
 */
export function isWellFormed (text: string): boolean {
  return !LONE_SURROGATE.test(text)
}

/** True when the string holds NUL, which PostgreSQL text cannot store. */
export function hasNul (text: string): boolean {
  return text.includes('\u0000')
}
