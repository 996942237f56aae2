import { parseArgs } from 'node:util'
import { loadOrCreateDevSecret } from '../auth/dev-secret.js'
import { signToken } from '../auth/tokens.js'
import { loadConfig } from '../config.js'

/**
 * Prints a development token:
 *   npm run token -- --sub alice --role company [--name "Alice"] [--ttl 3600]
 */
async function main () {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', default: 'candidate' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '86400' }
    }
  })

  if (!values.sub) throw new Error('--sub is required, e.g. npm run token -- --sub alice --role company')
  if (!['company', 'candidate', 'admin'].includes(values.role)) {
    throw new Error('--role must be company, candidate or admin')
  }

  const config = loadConfig()
  if (config.jwtPublicKey) throw new Error('JWT_PUBLIC_KEY is set: tokens come from your identity provider')
  const secret = config.jwtSecret ?? await loadOrCreateDevSecret(config.dataDir)

  const token = signToken(secret, {
    sub: values.sub,
    role: values.role,
    name: values.name,
    expiresInSeconds: Number(values.ttl)
  })
  process.stdout.write(`${token}\n`)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(1)
})
