import { createSigner } from 'fast-jwt'

/** Signs an HS256 token; used by `npm run token`, tests and benchmarks. */
export function signToken (secret: string, claims: {
  sub: string
  role: string
  name?: string
  expiresInSeconds?: number
}): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256' })
  const exp = Math.floor(Date.now() / 1000) + (claims.expiresInSeconds ?? 3600)
  const payload: Record<string, unknown> = { sub: claims.sub, role: claims.role, exp }
  if (claims.name) payload.name = claims.name
  return sign(payload)
}
