/**
 * The `exp` of a JWT in ms since the epoch, read without verifying it (the
 * server verifies; the client only needs to know when to refresh).
 */
export function tokenExpiresAt (token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null

  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as { exp?: unknown }
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null
  } catch {
    return null
  }
}

/**
 * When to ask for a new token: `beforeMs` ahead of expiry, or halfway there
 * when the token has less than twice that left, so short-lived tokens are
 * renewed in time without a storm of refreshes.
 */
export function refreshDelay (expiresAt: number, now: number, beforeMs: number): number {
  const remaining = expiresAt - now
  if (remaining <= 0) return 0
  return Math.max(remaining - beforeMs, remaining / 2)
}

function decodeBase64Url (text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - base64.length % 4) % 4)
  const binary = atob(padded)
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}
