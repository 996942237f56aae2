/** A random id for clientMsgId; works in insecure browser contexts too. */
export function randomId (): string {
  const crypto = globalThis.crypto
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID()

  const bytes = new Uint8Array(16)
  if (typeof crypto?.getRandomValues === 'function') {
    crypto.getRandomValues(bytes)
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  }

  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
