import { AppError } from '../errors.js'
import { hasNul, isWellFormed } from '../lib/unicode.js'

export const ROLES = ['company', 'candidate', 'admin'] as const
export type Role = typeof ROLES[number]

// The last second of year 9999: later expiries cannot be shown as dates.
const MAX_EXP_SECONDS = 253_402_300_799

/** Who is calling, as proven by a verified token. */
export interface Identity {
  userId: string
  role: Role
  name: string | null
  /** Token expiry, in ms since the epoch. */
  expiresAt: number
}

/** Checks the claims a verified token must carry and turns them into an Identity. */
export function identityFromClaims (claims: unknown): Identity {
  const c = claims as Record<string, unknown> | null
  const sub = c?.sub
  const role = c?.role
  const exp = c?.exp

  if (typeof sub !== 'string' || sub.length < 1 || sub.length > 128 || !storableText(sub)) {
    throw new AppError('UNAUTHENTICATED', 'Token sub must be 1 to 128 characters of valid text')
  }
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new AppError('UNAUTHENTICATED', 'Token role must be company, candidate or admin')
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp > MAX_EXP_SECONDS) {
    throw new AppError('UNAUTHENTICATED', 'Token must carry a numeric exp before year 10000')
  }

  // The name is only shown, never trusted: one that cannot be stored is dropped.
  const name = typeof c?.name === 'string' ? storableOrNull(Array.from(c.name).slice(0, 200).join('')) : null
  return { userId: sub, role: role as Role, name, expiresAt: exp * 1000 }
}

// Ids and names are stored as PostgreSQL text, which holds neither NUL nor lone surrogates.
function storableText (text: string): boolean {
  return isWellFormed(text) && !hasNul(text)
}

function storableOrNull (text: string): string | null {
  return storableText(text) ? text : null
}
